//! How the path axis's rows rewrite a path: the helpers its table names (a segment inserted,
//! a letter percent-encoded or made fullwidth, the last `/` replaced).

/// The last segment's first letter upper-cased (`/v1/Account`), or the whole path.
pub(super) fn capitalize_last(p: &str) -> String {
    match p.rfind('/') {
        Some(i) if i + 1 < p.len() => format!(
            "{}{}{}",
            &p[..=i],
            p[i + 1..i + 2].to_ascii_uppercase(),
            &p[i + 2..]
        ),
        _ => p.to_ascii_uppercase(),
    }
}

/// The first letter (or the last, in lower-case hex) as `%XX`.
pub(super) fn encode_letter(p: &str, last: bool) -> String {
    let mut letters = p.char_indices().filter(|(_, c)| c.is_ascii_alphabetic());
    let found = if last {
        letters.next_back()
    } else {
        letters.next()
    };
    match found {
        Some((i, c)) if last => format!("{}%{:02x}{}", &p[..i], c as u32, &p[i + 1..]),
        Some((i, c)) => format!("{}%{:02X}{}", &p[..i], c as u32, &p[i + 1..]),
        None => p.to_owned(),
    }
}

/// `segment` inserted before the last segment (`/v1/./account`).
pub(super) fn insert_segment(p: &str, segment: &str) -> String {
    match p.rfind('/') {
        Some(i) => format!("{}/{segment}{}", &p[..i], &p[i..]),
        None => p.to_owned(),
    }
}

/// The last `/` replaced by `with` (`/v1\account`).
pub(super) fn replace_last_slash(p: &str, with: &str) -> String {
    match p.rfind('/') {
        Some(i) if i > 0 => format!("{}{with}{}", &p[..i], &p[i + 1..]),
        _ => p.to_owned(),
    }
}

/// `;x=1` after the first segment (`/v1;x=1/account`), or at the end of a one-segment path.
pub(super) fn insert_param(p: &str) -> String {
    match p[1..].find('/') {
        Some(i) => format!("{};x=1{}", &p[..=i], &p[i + 1..]),
        None => format!("{p};x=1"),
    }
}

/// The last segment's first ASCII letter as its fullwidth form (U+FF41 for `a`), which NFKC
/// folds back: percent-encoded UTF-8 or raw.
pub(super) fn fullwidth_letter(p: &str, encoded: bool) -> Vec<u8> {
    let start = p.rfind('/').map_or(0, |i| i + 1);
    let Some((i, c)) = p[start..]
        .char_indices()
        .find(|(_, c)| c.is_ascii_alphabetic())
    else {
        return p.as_bytes().to_vec();
    };
    let i = start + i;
    let wide = char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c);
    let mut utf8 = [0u8; 4];
    let wide = wide.encode_utf8(&mut utf8).as_bytes();
    let mut out = p.as_bytes()[..i].to_vec();
    if encoded {
        for b in wide {
            out.extend_from_slice(format!("%{b:02X}").as_bytes());
        }
    } else {
        out.extend_from_slice(wide);
    }
    out.extend_from_slice(&p.as_bytes()[i + 1..]);
    out
}
