//! Pairwise combinations: a deterministic, greedy covering array over the *classes* of several
//! axes' values. Every pair of classes of two different axes (the pairs a class's
//! [`Value::excludes`] rule out aside) meets in at least one row while the budget lasts; within
//! a class, successive rows take its values in turn, so the rows exercise many values, not one
//! representative. Covering classes rather than values keeps the rows near the product of the
//! two largest class counts (tens to a couple of hundred) where values would need thousands.
//!
//! The algorithm is AETG's greedy step without randomness: a row starts from the first
//! uncovered pair, then every other axis gets the class that covers the most uncovered pairs
//! with what the row already holds (ties: the class used least, then table order); an axis
//! that would cover nothing new is left at the documented request's value.

use std::collections::BTreeSet;

use super::{Axis, Value};

/// How much of the pair space a set of rows covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cover {
    /// Pairs of classes of two different axes that can meet.
    pub pairs: usize,
    /// Of them, those some row holds.
    pub covered: usize,
    /// Rows made.
    pub rows: usize,
}

/// A class: its values and the axes they rule out.
struct Class<'a> {
    values: Vec<&'a Value>,
    excludes: Vec<Axis>,
}

/// Groups each table's values by class, in order of first appearance.
fn classes(tables: &[Vec<Value>]) -> Vec<Vec<Class<'_>>> {
    tables
        .iter()
        .map(|values| {
            let mut classes: Vec<Class<'_>> = Vec::new();
            for value in values {
                match classes
                    .iter_mut()
                    .find(|c| c.values[0].class == value.class)
                {
                    Some(class) => {
                        class.values.push(value);
                        for x in value.excludes {
                            if !class.excludes.contains(x) {
                                class.excludes.push(*x);
                            }
                        }
                    }
                    None => classes.push(Class {
                        values: vec![value],
                        excludes: value.excludes.to_vec(),
                    }),
                }
            }
            classes
        })
        .collect()
}

/// `(axis i, class a, axis j, class b)` with `i < j`.
type Pair = (usize, usize, usize, usize);

/// Rows (each a value per axis that takes part) covering every pair of classes of two of
/// `tables`' axes, at most `budget` rows; and how much they cover.
pub fn cover(tables: &[Vec<Value>], budget: usize) -> (Vec<Vec<&Value>>, Cover) {
    let classes = classes(tables);
    let axis_of = |i: usize| tables[i].first().map(|v| v.axis);
    // Class `a` of axis `i` rules axis `j` out.
    let rules_out = |i: usize, a: usize, j: usize| {
        axis_of(j).is_some_and(|axis| classes[i][a].excludes.contains(&axis))
    };
    let compatible =
        |i: usize, a: usize, j: usize, b: usize| !rules_out(i, a, j) && !rules_out(j, b, i);
    let mut uncovered: BTreeSet<Pair> = BTreeSet::new();
    for i in 0..classes.len() {
        for j in i + 1..classes.len() {
            for a in 0..classes[i].len() {
                for b in 0..classes[j].len() {
                    if compatible(i, a, j, b) {
                        uncovered.insert((i, a, j, b));
                    }
                }
            }
        }
    }
    let pairs = uncovered.len();
    let mut used: Vec<Vec<usize>> = classes.iter().map(|c| vec![0; c.len()]).collect();
    let mut rows = Vec::new();
    while rows.len() < budget {
        let Some(&(i, a, j, b)) = uncovered.iter().next() else {
            break;
        };
        let mut row: Vec<Option<usize>> = vec![None; classes.len()];
        row[i] = Some(a);
        row[j] = Some(b);
        for k in 0..classes.len() {
            if row[k].is_some() {
                continue;
            }
            let fits = |c: usize| {
                row.iter()
                    .enumerate()
                    .all(|(l, held)| held.is_none_or(|h| compatible(k, c, l, h)))
            };
            let gain = |c: usize| {
                row.iter()
                    .enumerate()
                    .filter_map(|(l, held)| held.map(|h| (l, h)))
                    .filter(|&(l, h)| {
                        let pair = if l < k { (l, h, k, c) } else { (k, c, l, h) };
                        uncovered.contains(&pair)
                    })
                    .count()
            };
            let best = (0..classes[k].len())
                .filter(|&c| fits(c))
                .map(|c| (gain(c), std::cmp::Reverse(used[k][c]), std::cmp::Reverse(c)))
                .max();
            if let Some((g, _, std::cmp::Reverse(c))) = best {
                if g > 0 {
                    row[k] = Some(c);
                }
            }
        }
        let held: Vec<(usize, usize)> = row
            .iter()
            .enumerate()
            .filter_map(|(k, c)| c.map(|c| (k, c)))
            .collect();
        for (n, &(k, c)) in held.iter().enumerate() {
            for &(l, d) in &held[n + 1..] {
                uncovered.remove(&(k, c, l, d));
            }
        }
        rows.push(
            held.iter()
                .map(|&(k, c)| {
                    let class = &classes[k][c];
                    let value = class.values[used[k][c] % class.values.len()];
                    used[k][c] += 1;
                    value
                })
                .collect(),
        );
    }
    let cover = Cover {
        pairs,
        covered: pairs - uncovered.len(),
        rows: rows.len(),
    };
    (rows, cover)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::space::Source;

    fn table(axis: Axis, classes: &[(&'static str, usize)]) -> Vec<Value> {
        classes
            .iter()
            .flat_map(|&(class, n)| {
                (0..n).map(move |i| {
                    Value::new(
                        axis,
                        format!("{class}{i}"),
                        class,
                        Source::Rfc(9110, ""),
                        |r, _| Some(r),
                    )
                })
            })
            .collect()
    }

    fn fake_axes() -> Vec<Vec<Value>> {
        // Three tables; the axis does not matter to the covering itself.
        vec![
            table(Axis::Method, &[("a", 2), ("b", 1), ("c", 3)]),
            table(Axis::Method, &[("x", 1), ("y", 2), ("z", 1), ("w", 1)]),
            table(Axis::Method, &[("p", 1), ("q", 1)]),
        ]
    }

    #[test]
    fn every_pair_of_classes_meets_in_some_row() {
        let tables = fake_axes();
        let (rows, cover) = cover(&tables, 1000);
        assert_eq!(cover.pairs, 3 * 4 + 3 * 2 + 4 * 2);
        assert_eq!(cover.covered, cover.pairs);
        // Greedy stays near the lower bound (the largest product of two class counts, 12).
        assert!(rows.len() <= 16, "{} rows", rows.len());
        for (t1, t2) in [(0, 1), (0, 2), (1, 2)] {
            for c1 in ["a", "b", "c", "x", "y", "z", "w", "p", "q"] {
                for c2 in ["a", "b", "c", "x", "y", "z", "w", "p", "q"] {
                    let in_t = |t: usize, c: &str| tables[t].iter().any(|v| v.class == c);
                    if !in_t(t1, c1) || !in_t(t2, c2) {
                        continue;
                    }
                    let met = rows.iter().any(|row| {
                        row.iter().any(|v| {
                            v.class == c1 && tables[t1].iter().any(|w| std::ptr::eq(w, *v))
                        }) && row.iter().any(|v| {
                            v.class == c2 && tables[t2].iter().any(|w| std::ptr::eq(w, *v))
                        })
                    });
                    assert!(met, "{c1} (table {t1}) never meets {c2} (table {t2})");
                }
            }
        }
    }

    #[test]
    fn a_class_takes_its_values_in_turn_and_the_rows_are_deterministic() {
        let tables = fake_axes();
        let (rows, _) = cover(&tables, 1000);
        let labels = |rows: &[Vec<&Value>]| -> Vec<Vec<String>> {
            rows.iter()
                .map(|r| r.iter().map(|v| v.label.clone()).collect())
                .collect()
        };
        let seen: BTreeSet<String> = rows.iter().flatten().map(|v| v.label.clone()).collect();
        for label in ["c0", "c1", "c2", "y0", "y1"] {
            assert!(seen.contains(label), "{label} never used");
        }
        assert_eq!(labels(&rows), labels(&cover(&tables, 1000).0));
    }

    #[test]
    fn the_budget_bounds_the_rows_and_the_cover_says_what_is_left() {
        let tables = fake_axes();
        let (rows, cover) = cover(&tables, 3);
        assert_eq!(rows.len(), 3);
        assert!(cover.covered < cover.pairs);
        assert!(cover.covered >= 3);
    }

    #[test]
    fn excluded_axes_are_neither_paired_nor_set() {
        let mut tables = fake_axes();
        tables[1] = table(Axis::Method, &[("x", 1)]);
        tables[0][0] = tables[0][0].clone().excluding(&[Axis::Method]);
        // Class "a" (its first value now excludes the method axis, which the other tables
        // stand for) pairs with nothing.
        let (rows, cover) = cover(&tables, 1000);
        assert_eq!(cover.covered, cover.pairs);
        assert!(rows
            .iter()
            .all(|r| !(r.iter().any(|v| v.class == "a") && r.len() > 1)));
    }
}
