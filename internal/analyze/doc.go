// Package analyze is the pipeline: the one API every front end (the
// command line, the HTTP API and pages, the batch runner) calls to analyse
// an article. Front ends never call the models themselves.
//
// # Use
//
// An Analyzer holds one model (New, or Default for the model built into
// the binary) and is safe for concurrent use. Analyze takes the article's
// text and returns an analysis.Result; offsets in it are code points into
// the text, as in the corpus.
//
// # Steps
//
// Analyze first refuses what it cannot analyse, before any model work:
// text over analysis.MaxBytes (analysis.ErrTooLarge), empty or blank text
// (analysis.ErrEmpty), invalid UTF-8 (analysis.ErrInvalidUTF8), and a done
// context. Then, on the segmented document (package doc):
//
//  1. quoted speech and its speakers (package quotes, on doc's quote
//     regions);
//  2. the fragments that use a technique, with a probability and cues
//     (the span taggers, package si);
//  3. each fragment's techniques, alternatives and cues (the classifier,
//     package tc); a fragment's confidence is its probability times the
//     technique's; its voice is the quote's when most of it lies in quoted
//     speech;
//  4. per-sentence scores through the model's sentence calibration, and
//     the article score, their mean;
//  5. paragraphs not in English are left out (package lang), with the
//     reason in Result.Skipped.
//
// The context is checked between sentences and between fragments.
//
// # Task-level use
//
// Fragments (span identification only) and Techniques (classification of
// given spans) run the two SemEval subtasks on their own, for training,
// evaluation and the CI guard; package task turns them into rows.
package analyze
