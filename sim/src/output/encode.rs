//! Arrays from records: [`Rows`] buffers a table's rows column by column, as they come, and
//! hands the buffers to Arrow without copying them.
//!
//! Each column of the table's list becomes one typed buffer paired with the column's fill
//! function, so appending a row writes one value per column into reserved memory (a
//! row-major buffer would be read back once per column: with 1.2M firm rows of 28 columns
//! that transpose was about a tenth of a 5,000-firm run). When a batch is taken, the
//! plain vectors move into Arrow arrays (no copy) and are replaced by fresh vectors of the
//! requested capacity.

use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, Float64Builder, StringBuilder, UInt32Builder};
use arrow_array::{
    ArrayRef, Float64Array, Int64Array, TimestampMillisecondArray, UInt32Array, UInt64Array,
};

use super::schema::{Column, Fill};

/// Whole unix seconds as milliseconds (the timestamp columns' unit).
pub(super) fn secs_to_ms(unix_s: i64) -> i64 {
    // Saturates ~292 million years from 1970; simulated times are nowhere near.
    unix_s.saturating_mul(1000)
}

/// Moves `v` out (as an Arrow buffer, no copy), leaving an empty vector of `capacity`.
fn take<T>(v: &mut Vec<T>, capacity: usize) -> Vec<T> {
    std::mem::replace(v, Vec::with_capacity(capacity))
}

/// One column's buffer, with the function that fills it.
enum Slot<R> {
    U32(fn(&R) -> u32, Vec<u32>),
    U64(fn(&R) -> u64, Vec<u64>),
    I64(fn(&R) -> i64, Vec<i64>),
    F64(fn(&R) -> f64, Vec<f64>),
    Bool(fn(&R) -> bool, BooleanBuilder),
    Text(fn(&R) -> &str, StringBuilder),
    Time(fn(&R) -> i64, Vec<i64>),
    OptU32(fn(&R) -> Option<u32>, UInt32Builder),
    OptF64(fn(&R) -> Option<f64>, Float64Builder),
    OptText(for<'a> fn(&'a R) -> Option<&'a str>, StringBuilder),
}

impl<R> Slot<R> {
    fn new(fill: &Fill<R>, capacity: usize) -> Self {
        let n = capacity;
        match *fill {
            Fill::U32(f) => Slot::U32(f, Vec::with_capacity(n)),
            Fill::U64(f) => Slot::U64(f, Vec::with_capacity(n)),
            Fill::I64(f) => Slot::I64(f, Vec::with_capacity(n)),
            Fill::F64(f) => Slot::F64(f, Vec::with_capacity(n)),
            Fill::Bool(f) => Slot::Bool(f, BooleanBuilder::with_capacity(n)),
            Fill::Text(f) => Slot::Text(f, StringBuilder::new()),
            Fill::Time(f) => Slot::Time(f, Vec::with_capacity(n)),
            Fill::OptU32(_, f) => Slot::OptU32(f, UInt32Builder::with_capacity(n)),
            Fill::OptF64(_, f) => Slot::OptF64(f, Float64Builder::with_capacity(n)),
            Fill::OptText(_, f) => Slot::OptText(f, StringBuilder::new()),
        }
    }

    #[inline]
    fn push(&mut self, r: &R) {
        match self {
            Slot::U32(f, v) => v.push(f(r)),
            Slot::U64(f, v) => v.push(f(r)),
            Slot::I64(f, v) => v.push(f(r)),
            Slot::F64(f, v) => v.push(f(r)),
            Slot::Bool(f, b) => b.append_value(f(r)),
            Slot::Text(f, b) => b.append_value(f(r)),
            Slot::Time(f, v) => v.push(secs_to_ms(f(r))),
            Slot::OptU32(f, b) => b.append_option(f(r)),
            Slot::OptF64(f, b) => b.append_option(f(r)),
            Slot::OptText(f, b) => b.append_option(f(r)),
        }
    }

    /// The buffered values as an array; the buffer is emptied (plain vectors get `capacity`).
    fn take_array(&mut self, capacity: usize) -> ArrayRef {
        let n = capacity;
        match self {
            Slot::U32(_, v) => Arc::new(UInt32Array::from(take(v, n))),
            Slot::U64(_, v) => Arc::new(UInt64Array::from(take(v, n))),
            Slot::I64(_, v) => Arc::new(Int64Array::from(take(v, n))),
            Slot::F64(_, v) => Arc::new(Float64Array::from(take(v, n))),
            Slot::Bool(_, b) => Arc::new(b.finish()),
            Slot::Text(_, b) | Slot::OptText(_, b) => Arc::new(b.finish()),
            Slot::Time(_, v) => {
                Arc::new(TimestampMillisecondArray::from(take(v, n)).with_timezone("UTC"))
            }
            Slot::OptU32(_, b) => Arc::new(b.finish()),
            Slot::OptF64(_, b) => Arc::new(b.finish()),
        }
    }
}

/// The rows of one table not yet written, column by column, in the order of its column list.
pub(super) struct Rows<R> {
    slots: Vec<Slot<R>>,
    len: usize,
}

impl<R> Rows<R> {
    /// Empty buffers for `columns`, with room for `capacity` rows.
    pub(super) fn new(columns: &[Column<R>], capacity: usize) -> Self {
        Rows {
            slots: columns
                .iter()
                .map(|c| Slot::new(&c.fill, capacity))
                .collect(),
            len: 0,
        }
    }

    /// Rows buffered.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Appends one row.
    #[inline]
    pub(super) fn push(&mut self, r: &R) {
        for s in &mut self.slots {
            s.push(r);
        }
        self.len += 1;
    }

    /// The buffered rows as arrays in column order; the buffers are emptied and get room for
    /// `next_capacity` rows (0 after the last batch).
    pub(super) fn take_arrays(&mut self, next_capacity: usize) -> Vec<ArrayRef> {
        self.len = 0;
        self.slots
            .iter_mut()
            .map(|s| s.take_array(next_capacity))
            .collect()
    }
}

/// The arrays of `rows` under `columns`, in column order (for tables written a few rows at a
/// time, such as a sweep's `runs` table).
pub fn encode_rows<R>(columns: &[Column<R>], rows: &[R]) -> Vec<ArrayRef> {
    let mut buffers = Rows::new(columns, rows.len());
    for r in rows {
        buffers.push(r);
    }
    buffers.take_arrays(0)
}

#[cfg(test)]
mod tests {
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float64Type, TimestampMillisecondType, UInt64Type};
    use arrow_array::Array;

    use super::super::schema::{Columns, NullWhen, UNIT_DIMENSIONLESS, UNIT_TEXT};
    use super::*;

    struct Row {
        n: u64,
        x: Option<f64>,
        t: i64,
        s: &'static str,
        o: Option<String>,
    }

    #[test]
    fn rows_become_arrays_in_column_order_and_buffers_are_reused() {
        let cols = Columns::<Row>::new()
            .col("n", UNIT_DIMENSIONLESS, "N.", Fill::U64(|r| r.n))
            .col("x", "1", "X.", Fill::OptF64(NullWhen::NoFleet, |r| r.x))
            .time("t", "T.", |r| r.t)
            .col("s", UNIT_TEXT, "S.", Fill::Text(|r| r.s))
            .col(
                "o",
                UNIT_TEXT,
                "O.",
                Fill::OptText(NullWhen::GeneratedFirm, |r| r.o.as_deref()),
            );
        let mut rows = Rows::new(cols.as_slice(), 2);
        for round in 0..2 {
            for i in 0..3u64 {
                rows.push(&Row {
                    n: i + round,
                    x: (i != 1).then_some(i as f64 / 2.0),
                    t: 1_700_000_000 + i as i64,
                    s: "a",
                    o: (i == 2).then(|| "MARA".to_string()),
                });
            }
            assert_eq!(rows.len(), 3);
            let a = rows.take_arrays(2);
            assert_eq!(rows.len(), 0);
            assert_eq!(a.len(), 5);
            assert_eq!(
                a[0].as_primitive::<UInt64Type>().values(),
                &[round, round + 1, round + 2]
            );
            let x = a[1].as_primitive::<Float64Type>();
            assert_eq!((x.null_count(), x.value(2)), (1, 1.0));
            assert!(x.is_null(1));
            let t = a[2].as_primitive::<TimestampMillisecondType>();
            assert_eq!(t.value(1), 1_700_000_001_000);
            assert_eq!(a[3].as_string::<i32>().value(0), "a");
            let o = a[4].as_string::<i32>();
            assert!(o.is_null(0) && o.value(2) == "MARA");
        }
    }
}
