//! The column reference of every output table: the run tables ([`crate::output::doc`]), then
//! the sweep's `runs` table ([`super::runs_table`]). `hashshift schema --outputs` prints it
//! ([`outputs_markdown`], the generated block of `outputs/README.md`) or, with `--format
//! json`, [`outputs_json`] (read by `.ci/check_outputs.py` and `.ci/check_sweep.py`).
//!
//! It is assembled here, above both layers: `output` knows nothing of sweeps.

use serde_json::{json, Value};

use super::design::ParamType;
use super::runs_table::{
    axis_data_type, axis_field, key_columns, RUNS_DESCRIPTION, RUNS_FILE, RUNS_TABLE,
};
use crate::output::columns::ColumnList;
use crate::output::doc::{
    column_json, column_row, row, run_tables_json, run_tables_markdown, section, type_name,
};
use crate::output::schema::{DESCRIPTION_KEY, UNIT_KEY};
use crate::output::tables::SUMMARY;

/// "a, b or c".
fn either(items: &[String]) -> String {
    match items.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// The column reference of the sweep's `runs` table, in Markdown: its key columns, a row for
/// the axis columns and a row for the summary's columns.
pub fn runs_markdown() -> String {
    let mut out = String::new();
    section(&mut out, RUNS_FILE, " (sweeps)", RUNS_DESCRIPTION);
    for c in key_columns().docs() {
        column_row(&mut out, &c);
    }
    let axis = axis_field("<name>", ParamType::F64, "<path>");
    let types: Vec<String> = ParamType::ALL
        .iter()
        .map(|&t| type_name(&axis_data_type(t)))
        .collect();
    row(
        &mut out,
        "one per `[[axis]]`, named by its `name`",
        &format!("{}, from the key's type", either(&types)),
        &axis.metadata()[UNIT_KEY],
        axis.is_nullable(),
        &axis.metadata()[DESCRIPTION_KEY],
    );
    let names: Vec<&str> = SUMMARY.columns().docs().iter().map(|c| c.name).collect();
    let listed = match names.as_slice() {
        [a, b, .., z] => format!("`{a}`, `{b}`, ..., `{z}`"),
        all => all
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", "),
    };
    row(
        &mut out,
        &format!("every column of `{}`", SUMMARY.meta.file),
        "as in the summary",
        "as in the summary",
        false,
        &format!("The run's summary row: {listed}, in the summary's order."),
    );
    out
}

/// The sweep's `runs` table as JSON: name, file, description, its key `columns`, then
/// `axis_columns` (one per axis, typed by the manifest's axis `type`) and every column of the
/// table named by `then_columns_of`.
pub fn runs_json() -> Value {
    let axis = axis_field("<name>", ParamType::F64, "<path>");
    let types: serde_json::Map<String, Value> = ParamType::ALL
        .iter()
        .map(|&t| (t.name().to_string(), json!(type_name(&axis_data_type(t)))))
        .collect();
    json!({
        "name": RUNS_TABLE,
        "file": RUNS_FILE,
        "description": RUNS_DESCRIPTION,
        "columns": key_columns().docs().iter().map(column_json).collect::<Vec<_>>(),
        "axis_columns": {
            "types": types,
            "unit": axis.metadata()[UNIT_KEY],
            "nullable": axis.is_nullable(),
            "description": axis.metadata()[DESCRIPTION_KEY],
        },
        "then_columns_of": SUMMARY.meta.name,
    })
}

/// The column reference of every output table, in Markdown.
pub fn outputs_markdown() -> String {
    format!("{}\n{}", run_tables_markdown(), runs_markdown())
}

/// Every output table as JSON: [`run_tables_json`] plus `sweep_tables` ([`runs_json`]).
pub fn outputs_json() -> Value {
    let mut j = run_tables_json();
    j["sweep_tables"] = json!([runs_json()]);
    j
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::RUN_TABLES;
    use crate::sweep::ID_COLUMNS;

    #[test]
    fn the_reference_ends_with_the_runs_table() {
        let md = outputs_markdown();
        let runs = md
            .find("### `runs.parquet` (sweeps)")
            .expect("runs section");
        for t in RUN_TABLES {
            assert!(md[..runs].contains(&format!("### `{}`", t.meta().file)));
        }
        assert!(md.contains("| Float64, Int64, Boolean or Utf8, from the key's type |"));
        // `<` outside code spans is escaped, not inside.
        assert!(md.contains("run=\\<id>"), "{md}");
        assert!(md.contains("scenario key `<path>`"));
        assert!(md.contains("`run_id`, `seed`, ..., `max_double_spend_6conf`"));
        assert!(md.ends_with("|\n") && !md.contains("\n\n\n"));
        for c in key_columns().docs() {
            assert!(c.description.ends_with('.'), "{}", c.name);
        }
    }

    #[test]
    fn key_columns_are_the_reserved_names() {
        let names: Vec<_> = key_columns().docs().iter().map(|c| c.name).collect();
        assert_eq!(names, ID_COLUMNS);
        let j = outputs_json();
        let runs = &j["sweep_tables"][0];
        assert_eq!(runs["name"], "runs");
        assert_eq!(runs["axis_columns"]["types"]["utf8"], "Utf8");
        assert_eq!(runs["then_columns_of"], "summary");
        assert_eq!(runs["columns"][0]["type"], "Int64");
        assert_eq!(j["tables"].as_array().unwrap().len(), RUN_TABLES.len());
    }
}
