package server

import (
	_ "embed"
	"net/http"
)

// openAPIDoc describes the API. It is written by hand next to the
// handlers; TestOpenAPICoversRoutes keeps the two in step.
//
//go:embed openapi.json
var openAPIDoc []byte

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Write(openAPIDoc)
}
