//! The README's axis table, printed from the axes themselves (`terminus-conformance axes`):
//! a row per axis with its values (count, classes, examples), where they come from and the
//! clauses that cross it. `conformance/README.md` holds a copy between markers; a test fails
//! when the two differ (`make axes-table` rewrites the copy).

use std::collections::BTreeSet;

use super::{Axis, Crossing, Source};

/// The table, in markdown.
pub fn markdown(crossings: &[Crossing]) -> String {
    let mut out = String::from(
        "| axis | what it varies | values | classes (values) | examples | where from | crossed by |\n\
         |---|---|---:|---|---|---|---|\n",
    );
    for &axis in Axis::ALL {
        let values = axis.values();
        let mut classes: Vec<(&str, usize, &str)> = Vec::new();
        for v in &values {
            match classes.iter_mut().find(|(c, _, _)| *c == v.class) {
                Some(class) => class.1 += 1,
                None => classes.push((v.class, 1, &v.label)),
            }
        }
        let class_list = classes
            .iter()
            .map(|(c, n, _)| format!("{c} ({n})"))
            .collect::<Vec<_>>()
            .join(", ");
        let examples = classes
            .iter()
            .take(4)
            .map(|(_, _, label)| code(label))
            .collect::<Vec<_>>()
            .join(", ");
        let clauses: BTreeSet<&str> = crossings
            .iter()
            .filter(|c| c.axes.contains(&axis))
            .map(|c| c.clause.id())
            .collect();
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            axis.id(),
            axis.about(),
            values.len(),
            cell(&class_list),
            examples,
            cell(&sources(values.iter().map(|v| v.source))),
            clauses.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    out.push_str("\n| clause | crosses | what must hold |\n|---|---|---|\n");
    for c in crossings {
        let axes: Vec<&str> = c.axes.iter().map(|a| a.id()).collect();
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            c.clause.id(),
            axes.join(", "),
            cell(c.holds)
        ));
    }
    out
}

/// Where an axis's values come from, by document: each RFC once with its sections (or how
/// many), IANA
/// registries, drafts, then how many values come from practice.
fn sources(all: impl Iterator<Item = Source>) -> String {
    let mut rfcs: Vec<(u16, Vec<&str>)> = Vec::new();
    let mut others: Vec<String> = Vec::new();
    let mut practice = 0;
    for source in all {
        match source {
            Source::Rfc(n, section) => match rfcs.iter_mut().find(|(m, _)| *m == n) {
                Some((_, sections)) => {
                    if !section.is_empty() && !sections.contains(&section) {
                        sections.push(section);
                    }
                }
                None => rfcs.push((n, [section].into_iter().filter(|s| !s.is_empty()).collect())),
            },
            Source::Practice(_) => practice += 1,
            other => {
                let shown = other.to_string();
                if !others.contains(&shown) {
                    others.push(shown);
                }
            }
        }
    }
    let mut parts: Vec<String> = rfcs
        .into_iter()
        .map(|(n, sections)| match sections.as_slice() {
            [] => format!("RFC {n}"),
            [_] | [_, _] => format!("RFC {n} §{}", sections.join(", §")),
            _ => format!("RFC {n} ({} sections)", sections.len()),
        })
        .collect();
    parts.extend(others);
    if practice > 0 {
        parts.push(format!("deployed practice ({practice} values)"));
    }
    parts.join("; ")
}

/// A label as inline code that survives a table cell (`|` escaped, backticks doubled around).
fn code(label: &str) -> String {
    let shown = cell(label);
    if shown.contains('`') {
        format!("`` {shown} ``")
    } else {
        format!("`{shown}`")
    }
}

/// Text safe in a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_per_axis_with_its_value_count() {
        let table = markdown(&[]);
        assert_eq!(table.lines().count(), 2 + Axis::ALL.len() + 3);
        let method = table.lines().find(|l| l.starts_with("| method |")).unwrap();
        let count = Axis::Method.values().len().to_string();
        assert!(method.contains(&format!("| {count} |")), "{method}");
        assert!(method.contains("RFC 4918 (7 sections)"), "{method}");
    }
}
