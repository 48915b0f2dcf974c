//! `outputs/README.md` documents every output column from the code: its generated block must
//! be exactly what `hashshift schema --outputs` renders from the table registry.

use hashshift::output::doc::{replace_generated, BEGIN_MARKER, END_MARKER};
use hashshift::sweep::doc::outputs_markdown;

const README_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../outputs/README.md");

#[test]
fn outputs_readme_column_reference_matches_the_schemas() {
    let readme = std::fs::read_to_string(README_PATH).expect("outputs/README.md is readable");
    let readme = readme.as_str();
    let expected = replace_generated(readme, &outputs_markdown()).unwrap_or_else(|e| {
        panic!(
            "outputs/README.md: {e}; it must hold the lines {BEGIN_MARKER} and {END_MARKER} \
             (then run `cargo run --release -- schema --outputs --write outputs/README.md`)"
        )
    });
    if expected != readme {
        let first = expected
            .lines()
            .zip(readme.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| expected.lines().count().min(readme.lines().count()));
        panic!(
            "the column reference in outputs/README.md is stale (first difference at line {}:\n  \
             README: {:?}\n  code:   {:?}).\nRun `cargo run --release -- schema --outputs \
             --write outputs/README.md` and commit the result.",
            first + 1,
            readme.lines().nth(first).unwrap_or("<end of file>"),
            expected.lines().nth(first).unwrap_or("<end of file>"),
        );
    }
}
