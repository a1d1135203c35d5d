//! `terminus-conformance`: see the library's documentation and `--help`.

fn main() -> std::process::ExitCode {
    terminus_conformance::main()
}
