//! The sweep's `runs` table: one row per run, assembled from the runs' own
//! `summary.parquet` files.
//!
//! Columns: [`key_columns`] (`run` = the `run=<id>` folder, Int64 like the Hive key readers
//! infer, `point`, `replicate`), one typed column per axis (Float64, Int64, Boolean or Utf8, from the scenario
//! key's type), then every field of [`crate::output::summary_schema`] in its order, so new
//! summary fields appear here without changes.
//!
//! The file is streamed (one run's summary read at a time, so memory does not grow with the
//! number of runs), in run-id order, into a temporary file that is renamed into place: the
//! same finished runs give the same bytes whatever order, thread count or shards wrote them.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;

use super::design::{ParamType, ParamValue};
use super::exec::{run_dir, ExecError};
use super::{RunSpec, Sweep};
use crate::output::columns::{ColumnList, Columns, List};
use crate::output::schema::{field, UNIT_DIMENSIONLESS};
use crate::output::{
    encode_rows, summary_schema, writer_properties_with, OutputError, Tuning, KV_TABLE, KV_VERSION,
    SUMMARY_FILE,
};
use crate::runner::VERSION;

/// File name of the runs table, at the sweep's root.
pub const RUNS_FILE: &str = "runs.parquet";
/// Table name (`hashshift.table`).
pub const RUNS_TABLE: &str = "runs";
/// What a row of the runs table is.
pub const RUNS_DESCRIPTION: &str =
    "One row per run of a sweep, in `run` order, at the sweep's root.";
/// Key-value metadata key: the sweep hash.
pub const KV_SWEEP_HASH: &str = "hashshift.sweep_hash";
/// Key-value metadata key: the resolved sweep (`_sweep.json`).
pub const KV_SWEEP: &str = "hashshift.sweep";

/// The leading columns of every runs table: `run`, `point` and `replicate` (Int64, like the
/// Hive key readers infer).
pub fn key_columns() -> Columns<RunSpec, impl List<RunSpec>> {
    Columns::<RunSpec>::new()
        .i64(
            "run",
            UNIT_DIMENSIONLESS,
            "Run id: the run's folder is run=<id> (the Hive partition key of the per-run tables).",
            |r| r.id as i64,
        )
        .i64(
            "point",
            UNIT_DIMENSIONLESS,
            "Design point (run = point x replicates + replicate); runs of one point differ only \
             by their seed.",
            |r| r.point as i64,
        )
        .i64(
            "replicate",
            UNIT_DIMENSIONLESS,
            "Replicate: replicate r has the same seed at every point (common random numbers).",
            |r| r.replicate as i64,
        )
}

/// The Arrow type of an axis column whose scenario key has type `ty`.
pub fn axis_data_type(ty: ParamType) -> DataType {
    match ty {
        ParamType::F64 => DataType::Float64,
        ParamType::I64 => DataType::Int64,
        ParamType::Bool => DataType::Boolean,
        ParamType::Utf8 => DataType::Utf8,
    }
}

/// The column of an axis named `column`, sweeping the scenario key `path` of type `ty`.
pub fn axis_field(column: &str, ty: ParamType, path: &str) -> Field {
    field(
        column,
        axis_data_type(ty),
        false,
        &format!("as scenario key {path}"),
        &format!(
            "Swept parameter: scenario key `{path}` at this run's point (`hashshift schema` \
             describes it)."
        ),
    )
}

/// The Arrow schema of `sweep`'s runs table (see the module docs): [`key_columns`], one
/// [`axis_field`] per axis, then every field of the summary table.
pub fn runs_schema(sweep: &Sweep) -> SchemaRef {
    let mut fields: Vec<Field> = key_columns()
        .schema()
        .fields()
        .iter()
        .map(|f| f.as_ref().clone())
        .collect();
    fields.extend(
        sweep
            .axes
            .iter()
            .map(|a| axis_field(&a.column, a.ty, &a.path)),
    );
    fields.extend(summary_schema().fields().iter().map(|f| f.as_ref().clone()));
    Arc::new(Schema::new(fields))
}

fn param_array(ty: ParamType, v: &ParamValue) -> ArrayRef {
    match (ty, v) {
        (ParamType::F64, ParamValue::F64(x)) => Arc::new(Float64Array::from(vec![*x])),
        (ParamType::I64, ParamValue::I64(x)) => Arc::new(Int64Array::from(vec![*x])),
        (ParamType::Bool, ParamValue::Bool(x)) => Arc::new(BooleanArray::from(vec![*x])),
        (ParamType::Utf8, ParamValue::Utf8(x)) => Arc::new(StringArray::from(vec![x.as_str()])),
        _ => unreachable!("axis values have the axis type"),
    }
}

/// Reads the one-row summary of a finished run.
fn read_summary(path: &Path) -> Result<RecordBatch, ExecError> {
    let corrupt = |message: String| ExecError::Corrupt {
        path: path.to_path_buf(),
        message,
    };
    let file = File::open(path).map_err(|e| {
        ExecError::Output(OutputError::Io {
            op: "opening",
            path: path.to_path_buf(),
            source: e,
        })
    })?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| b.build())
        .map_err(|e| corrupt(e.to_string()))?;
    let batches = reader
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| corrupt(e.to_string()))?;
    let [batch] = <[RecordBatch; 1]>::try_from(batches)
        .map_err(|b| corrupt(format!("{} record batches, expected one row", b.len())))?;
    let expected = summary_schema();
    let same = batch.num_rows() == 1
        && batch.schema().fields().len() == expected.fields().len()
        && batch
            .schema()
            .fields()
            .iter()
            .zip(expected.fields())
            .all(|(a, b)| a.name() == b.name() && a.data_type() == b.data_type());
    if !same {
        return Err(corrupt(
            "not the one-row summary table of this hashshift version".into(),
        ));
    }
    Ok(batch)
}

/// Writes `<root>/runs.parquet` from the finished runs of `sweep` (all must be complete).
pub fn write_runs_table(sweep: &Sweep, root: &Path) -> Result<PathBuf, ExecError> {
    let schema = runs_schema(sweep);
    let kv = vec![
        (KV_VERSION.to_string(), VERSION.to_string()),
        (KV_TABLE.to_string(), RUNS_TABLE.to_string()),
        (KV_SWEEP_HASH.to_string(), sweep.hash()),
        (KV_SWEEP.to_string(), sweep.manifest()),
    ];
    let schema: SchemaRef = Arc::new(
        schema
            .as_ref()
            .clone()
            .with_metadata(kv.iter().cloned().collect::<HashMap<_, _>>()),
    );
    let keys = key_columns();
    let final_path = root.join(RUNS_FILE);
    let io = |op: &'static str, path: &Path, source: std::io::Error| {
        ExecError::Output(OutputError::Io {
            op,
            path: path.to_path_buf(),
            source,
        })
    };
    let pq = |source| {
        ExecError::Output(OutputError::Parquet {
            path: final_path.clone(),
            source,
        })
    };
    crate::storage::replace_file(
        &final_path,
        None,
        |file| {
            let mut writer = ArrowWriter::try_new(
                file,
                schema.clone(),
                Some(writer_properties_with(
                    &Tuning::DEFAULT,
                    kv.clone(),
                    &schema,
                )),
            )
            .map_err(pq)?;
            for id in 0..sweep.n_runs() {
                let run = sweep.run(id);
                let summary = read_summary(&run_dir(root, id).join(SUMMARY_FILE))?;
                let mut cols = encode_rows(&keys, std::slice::from_ref(&run));
                for (a, v) in sweep.axes.iter().zip(&sweep.points[run.point as usize]) {
                    cols.push(param_array(a.ty, v));
                }
                cols.extend(summary.columns().iter().cloned());
                let batch = RecordBatch::try_new(schema.clone(), cols).map_err(|source| {
                    ExecError::Output(OutputError::Arrow {
                        path: final_path.clone(),
                        source,
                    })
                })?;
                writer.write(&batch).map_err(pq)?;
            }
            writer.into_inner().map_err(pq)
        },
        io,
    )?;
    Ok(final_path)
}
