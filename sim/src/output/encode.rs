//! Arrays from records: [`RowBuffer`] holds a table's rows not yet written, column by column,
//! as they come, and hands the buffers to Arrow without copying them.
//!
//! Each column of the table's list ([`super::columns`]) has one typed buffer, so appending a
//! row writes one value per column into reserved memory (a row-major buffer would be read
//! back once per column: with 1.2M firm rows of 28 columns that transpose was about a tenth
//! of a 5,000-firm run). When a batch is taken, the plain vectors move into Arrow arrays (no
//! copy) and are replaced by fresh vectors of the requested capacity.

use std::marker::PhantomData;

use arrow_array::ArrayRef;

use super::columns::{ColumnList, List};

/// Whole unix seconds as milliseconds (the timestamp columns' unit).
pub(super) fn secs_to_ms(unix_s: i64) -> i64 {
    // Saturates ~292 million years from 1970; simulated times are nowhere near.
    unix_s.saturating_mul(1000)
}

/// Moves `v` out (as an Arrow buffer, no copy), leaving an empty vector of `capacity`.
pub(super) fn take<T>(v: &mut Vec<T>, capacity: usize) -> Vec<T> {
    std::mem::replace(v, Vec::with_capacity(capacity))
}

/// The rows of one table not yet written.
pub trait RowBuffer<R> {
    /// Rows buffered.
    fn len(&self) -> usize;
    /// Whether no row is buffered.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Appends one row; returns the rows buffered.
    fn push(&mut self, r: &R) -> usize;
    /// The buffered rows as arrays in column order; the buffers are emptied and get room for
    /// `next_capacity` rows (0 after the last batch).
    fn take_arrays(&mut self, next_capacity: usize) -> Vec<ArrayRef>;
}

/// The [`RowBuffer`] of a column list `L`.
pub(super) struct Buffers<'a, R, L: List<R>> {
    list: &'a L,
    bufs: L::Bufs,
    len: usize,
    record: PhantomData<fn(&R)>,
}

impl<'a, R, L: List<R>> Buffers<'a, R, L> {
    /// Empty buffers for `list`, with room for `capacity` rows.
    pub(super) fn new(list: &'a L, capacity: usize) -> Self {
        Buffers {
            list,
            bufs: list.buffers(capacity),
            len: 0,
            record: PhantomData,
        }
    }
}

impl<R, L: List<R>> RowBuffer<R> for Buffers<'_, R, L> {
    fn len(&self) -> usize {
        self.len
    }

    #[inline]
    fn push(&mut self, r: &R) -> usize {
        self.list.push(&mut self.bufs, r);
        self.len += 1;
        self.len
    }

    fn take_arrays(&mut self, next_capacity: usize) -> Vec<ArrayRef> {
        let mut out = Vec::new();
        self.list.finish(&mut self.bufs, next_capacity, &mut out);
        self.len = 0;
        out
    }
}

/// The arrays of `rows` under `columns`, in column order (for tables written a few rows at a
/// time, such as a sweep's `runs` table).
pub fn encode_rows<R>(columns: &dyn ColumnList<R>, rows: &[R]) -> Vec<ArrayRef> {
    let mut buffers = columns.rows(rows.len());
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

    use super::super::columns::Columns;
    use super::super::schema::{NullWhen, UNIT_DIMENSIONLESS, UNIT_TEXT};
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
            .u64("n", UNIT_DIMENSIONLESS, "N.", |r| r.n)
            .opt_f64("x", "1", "X.", NullWhen::NoFleet, |r| r.x)
            .time("t", "T.", |r| r.t)
            .text("s", UNIT_TEXT, "S.", |r| r.s)
            .opt_text("o", UNIT_TEXT, "O.", NullWhen::GeneratedFirm, |r| {
                r.o.as_deref()
            });
        let mut rows = cols.rows(2);
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
            assert!(rows.is_empty());
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
            assert_eq!(t.timezone(), Some("UTC"));
            assert_eq!(a[3].as_string::<i32>().value(0), "a");
            let o = a[4].as_string::<i32>();
            assert!(o.is_null(0) && o.value(2) == "MARA");
        }
        let once = encode_rows(
            &cols,
            &[Row {
                n: 9,
                x: None,
                t: 0,
                s: "",
                o: None,
            }],
        );
        assert_eq!(once[0].as_primitive::<UInt64Type>().values(), &[9]);
    }
}
