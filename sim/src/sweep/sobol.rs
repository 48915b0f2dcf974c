//! The Sobol' sequence (unscrambled, Gray-code order) with Joe and Kuo's direction numbers,
//! and Saltelli's cross-sampling in SALib's sample order.
//!
//! Direction numbers: S. Joe and F. Y. Kuo, "Constructing Sobol sequences with better
//! two-dimensional projections", SIAM J. Sci. Comput. 30 (2008), file
//! `new-joe-kuo-6.21201` (the set SciPy's `qmc.Sobol` and SALib use), dimensions 2 to
//! [`MAX_DIMS`]; dimension 1 is the van der Corput sequence. Point `i` is
//! `XOR of V_k over the set bits k of gray(i) = i ^ (i >> 1)`, divided by 2^32: the
//! sequence `scipy.stats.qmc.Sobol(d, scramble=False)` draws, starting with the zero point.

/// Dimensions available (so at most `MAX_DIMS / 2` parameters in a Saltelli design).
pub const MAX_DIMS: usize = 53;

/// Bits of each coordinate.
const BITS: usize = 32;

/// `(s, a, m_1 .. m_s)` of dimensions 2..=53 from new-joe-kuo-6.21201.
const JOE_KUO: [(u32, u32, &[u32]); MAX_DIMS - 1] = [
    (1, 0, &[1]),
    (2, 1, &[1, 3]),
    (3, 1, &[1, 3, 1]),
    (3, 2, &[1, 1, 1]),
    (4, 1, &[1, 1, 3, 3]),
    (4, 4, &[1, 3, 5, 13]),
    (5, 2, &[1, 1, 5, 5, 17]),
    (5, 4, &[1, 1, 5, 5, 5]),
    (5, 7, &[1, 1, 7, 11, 19]),
    (5, 11, &[1, 1, 5, 1, 1]),
    (5, 13, &[1, 1, 1, 3, 11]),
    (5, 14, &[1, 3, 5, 5, 31]),
    (6, 1, &[1, 3, 3, 9, 7, 49]),
    (6, 13, &[1, 1, 1, 15, 21, 21]),
    (6, 16, &[1, 3, 1, 13, 27, 49]),
    (6, 19, &[1, 1, 1, 15, 7, 5]),
    (6, 22, &[1, 3, 1, 15, 13, 25]),
    (6, 25, &[1, 1, 5, 5, 19, 61]),
    (7, 1, &[1, 3, 7, 11, 23, 15, 103]),
    (7, 4, &[1, 3, 7, 13, 13, 15, 69]),
    (7, 7, &[1, 1, 3, 13, 7, 35, 63]),
    (7, 8, &[1, 3, 5, 9, 1, 25, 53]),
    (7, 14, &[1, 3, 1, 13, 9, 35, 107]),
    (7, 19, &[1, 3, 1, 5, 27, 61, 31]),
    (7, 21, &[1, 1, 5, 11, 19, 41, 61]),
    (7, 28, &[1, 3, 5, 3, 3, 13, 69]),
    (7, 31, &[1, 1, 7, 13, 1, 19, 1]),
    (7, 32, &[1, 3, 7, 5, 13, 19, 59]),
    (7, 37, &[1, 1, 3, 9, 25, 29, 41]),
    (7, 41, &[1, 3, 5, 13, 23, 1, 55]),
    (7, 42, &[1, 3, 7, 3, 13, 59, 17]),
    (7, 50, &[1, 3, 1, 3, 5, 53, 69]),
    (7, 55, &[1, 1, 5, 5, 23, 33, 13]),
    (7, 56, &[1, 1, 7, 7, 1, 61, 123]),
    (7, 59, &[1, 1, 7, 9, 13, 61, 49]),
    (7, 62, &[1, 3, 3, 5, 3, 55, 33]),
    (8, 14, &[1, 3, 1, 15, 31, 13, 49, 245]),
    (8, 21, &[1, 3, 5, 15, 31, 59, 63, 97]),
    (8, 22, &[1, 3, 1, 11, 11, 11, 77, 249]),
    (8, 38, &[1, 3, 1, 11, 27, 43, 71, 9]),
    (8, 47, &[1, 1, 7, 15, 21, 11, 81, 45]),
    (8, 49, &[1, 3, 7, 3, 25, 31, 65, 79]),
    (8, 50, &[1, 3, 1, 1, 19, 11, 3, 205]),
    (8, 52, &[1, 1, 5, 9, 19, 21, 29, 157]),
    (8, 56, &[1, 3, 7, 11, 1, 33, 89, 185]),
    (8, 67, &[1, 3, 3, 3, 15, 9, 79, 71]),
    (8, 70, &[1, 3, 7, 11, 15, 39, 119, 27]),
    (8, 84, &[1, 1, 3, 1, 11, 31, 97, 225]),
    (8, 97, &[1, 1, 1, 3, 23, 43, 57, 177]),
    (8, 103, &[1, 3, 7, 7, 17, 17, 37, 71]),
    (8, 115, &[1, 3, 1, 5, 27, 63, 123, 213]),
    (8, 122, &[1, 1, 3, 5, 11, 43, 53, 133]),
];

/// Direction numbers `V_k` (k = 0..32, bit 31 = 1/2) of dimension `dim` (0-based).
fn directions(dim: usize) -> [u32; BITS] {
    let mut v = [0u32; BITS];
    if dim == 0 {
        for (k, vk) in v.iter_mut().enumerate() {
            *vk = 1 << (BITS - 1 - k);
        }
        return v;
    }
    let (s, a, m) = JOE_KUO[dim - 1];
    let s = s as usize;
    for k in 0..BITS {
        v[k] = if k < s {
            m[k] << (BITS - 1 - k)
        } else {
            let mut x = v[k - s] ^ (v[k - s] >> s);
            for i in 1..s {
                if (a >> (s - 1 - i)) & 1 == 1 {
                    x ^= v[k - i];
                }
            }
            x
        };
    }
    v
}

/// Points `skip .. skip + n` of the `dims`-dimensional Sobol' sequence, each in [0, 1).
pub fn points(n: usize, dims: usize, skip: u64) -> Vec<Vec<f64>> {
    assert!(dims <= MAX_DIMS, "at most {MAX_DIMS} Sobol dimensions");
    let v: Vec<[u32; BITS]> = (0..dims).map(directions).collect();
    (0..n as u64)
        .map(|i| {
            let index = i + skip;
            let gray = index ^ (index >> 1);
            v.iter()
                .map(|vd| {
                    let mut x = 0u32;
                    for (k, vk) in vd.iter().enumerate() {
                        if (gray >> k) & 1 == 1 {
                            x ^= vk;
                        }
                    }
                    f64::from(x) / 4_294_967_296.0
                })
                .collect()
        })
        .collect()
}

/// Saltelli's cross-sampling of `n` base samples for `d` parameters, in the order of SALib's
/// `SALib.sample.sobol.sample(problem, n, calc_second_order, scramble=False, skip_values)`:
/// for each base sample `i` (row `i` of the `2d`-dimensional Sobol' sequence, `A` = its first
/// `d` columns, `B` = its last `d`), the rows
///
/// ```text
/// A_i,  AB_i^1 .. AB_i^d,  [BA_i^1 .. BA_i^d,]  B_i
/// ```
///
/// where `AB_i^k` is `A_i` with column `k` taken from `B_i` and `BA_i^k` is `B_i` with column
/// `k` taken from `A_i` (only with `second_order`): `n (2d + 2)` rows with second-order
/// indices, `n (d + 2)` without. Values are in the unit cube.
pub fn saltelli(n: usize, d: usize, second_order: bool, skip: u64) -> Vec<Vec<f64>> {
    let base = points(n, 2 * d, skip);
    let per = if second_order { 2 * d + 2 } else { d + 2 };
    let mut out = Vec::with_capacity(n * per);
    for row in &base {
        let (a, b) = row.split_at(d);
        out.push(a.to_vec());
        for k in 0..d {
            let mut ab = a.to_vec();
            ab[k] = b[k];
            out.push(ab);
        }
        if second_order {
            for k in 0..d {
                let mut ba = b.to_vec();
                ba[k] = a[k];
                out.push(ba);
            }
        }
        out.push(b.to_vec());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_points_match_scipy_unscrambled() {
        // scipy.stats.qmc.Sobol(d=3, scramble=False).random(8)
        let expected = [
            [0.0, 0.0, 0.0],
            [0.5, 0.5, 0.5],
            [0.75, 0.25, 0.25],
            [0.25, 0.75, 0.75],
            [0.375, 0.375, 0.625],
            [0.875, 0.875, 0.125],
            [0.625, 0.125, 0.875],
            [0.125, 0.625, 0.375],
        ];
        let got = points(8, 3, 0);
        for (g, e) in got.iter().zip(expected) {
            assert_eq!(g.as_slice(), e.as_slice());
        }
        // Skipping continues the same sequence.
        assert_eq!(points(4, 3, 4), got[4..].to_vec());
    }

    #[test]
    fn every_dimension_is_stratified() {
        // The first 2^m points of a Sobol' sequence put exactly one point in each interval
        // [j / 2^m, (j + 1) / 2^m) of every coordinate (a (0, m, 1)-net per dimension), and
        // the direction numbers of every dimension are odd multiples at their bit position.
        let n = 256;
        let pts = points(n, MAX_DIMS, 0);
        for d in 0..MAX_DIMS {
            let mut seen = vec![false; n];
            for p in &pts {
                let cell = (p[d] * n as f64) as usize;
                assert!(!seen[cell], "dimension {d}: two points in cell {cell}");
                seen[cell] = true;
            }
            for (k, vk) in directions(d).iter().enumerate() {
                assert_eq!(vk >> (BITS - 1 - k) & 1, 1, "dimension {d}, V_{k}");
            }
        }
        // Dimensions 1 and 2 together form a (0, m, 2)-net: one point per elementary box of
        // area 1/16 (4 x 4 here) among the first 16 points.
        let pts = points(16, 2, 0);
        let mut boxes = [0; 16];
        for p in &pts {
            boxes[(p[0] * 4.0) as usize * 4 + (p[1] * 4.0) as usize] += 1;
        }
        assert!(boxes.iter().all(|&c| c == 1), "{boxes:?}");
    }

    #[test]
    fn saltelli_layout_follows_salib() {
        let (n, d) = (4, 3);
        let base = points(n, 2 * d, 0);
        for second_order in [true, false] {
            let s = saltelli(n, d, second_order, 0);
            let per = if second_order { 2 * d + 2 } else { d + 2 };
            assert_eq!(s.len(), n * per);
            for (i, row) in base.iter().enumerate() {
                let (a, b) = row.split_at(d);
                let block = &s[i * per..(i + 1) * per];
                assert_eq!(block[0], a);
                assert_eq!(block[per - 1], b);
                for k in 0..d {
                    for j in 0..d {
                        let ab = if j == k { b[j] } else { a[j] };
                        assert_eq!(block[1 + k][j], ab);
                        if second_order {
                            let ba = if j == k { a[j] } else { b[j] };
                            assert_eq!(block[1 + d + k][j], ba);
                        }
                    }
                }
            }
        }
    }
}
