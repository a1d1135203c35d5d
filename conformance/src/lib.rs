//! The conformance runner (issue 3): not built yet.
