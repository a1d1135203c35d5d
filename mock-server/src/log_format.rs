//! The binary's log line, written by hand: the same text as tracing-subscriber's default
//! format (`2026-11-29T00:40:00.310936Z  INFO terminus_mock::request: public request
//! method=GET path=/v1/account status=200 …`), at a fraction of its cost. One line per request
//! is on by default, so its price is paid on every request: the default format converts the
//! time to a calendar date on every line, goes through ANSI styling even with colours off,
//! and formats every field through `fmt::Debug`. Here the date is converted once a second per
//! thread, numbers, booleans and the message are copied as they are, and only string and
//! `Debug` fields go through `fmt` (quoted, as tracing writes them).

use std::cell::RefCell;
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// The event format of the binary's log (`fmt().event_format(LineFormat { ansi })`).
pub struct LineFormat {
    /// Colour the level, as tracing does on a terminal.
    pub ansi: bool,
}

impl<S, N> FormatEvent<S, N> for LineFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        write_timestamp(&mut writer, SystemTime::now())?;
        let meta = event.metadata();
        writer.write_str(level_text(meta.level(), self.ansi))?;
        writer.write_str(meta.target())?;
        writer.write_char(':')?;
        let mut fields = Fields {
            writer: &mut writer,
            result: Ok(()),
        };
        event.record(&mut fields);
        fields.result?;
        writer.write_char('\n')
    }
}

/// ` INFO ` and the like, right-aligned to five characters after the timestamp's two spaces,
/// as tracing writes them (`2026-…Z  INFO target: …`, `2026-…Z ERROR target: …`).
fn level_text(level: &Level, ansi: bool) -> &'static str {
    match (*level, ansi) {
        (Level::TRACE, false) => " TRACE ",
        (Level::DEBUG, false) => " DEBUG ",
        (Level::INFO, false) => "  INFO ",
        (Level::WARN, false) => "  WARN ",
        (Level::ERROR, false) => " ERROR ",
        (Level::TRACE, true) => " \x1b[35mTRACE\x1b[0m ",
        (Level::DEBUG, true) => " \x1b[34mDEBUG\x1b[0m ",
        (Level::INFO, true) => "  \x1b[32mINFO\x1b[0m ",
        (Level::WARN, true) => "  \x1b[33mWARN\x1b[0m ",
        (Level::ERROR, true) => " \x1b[31mERROR\x1b[0m ",
    }
}

thread_local! {
    /// The second last written by this thread and its text (`2026-11-29T00:40:00`).
    static SECOND: RefCell<(u64, [u8; 19])> = const { RefCell::new((u64::MAX, [0; 19])) };
}

/// RFC 3339, UTC, microseconds: `2026-11-29T00:40:00.310936Z`.
fn write_timestamp(writer: &mut impl fmt::Write, now: SystemTime) -> fmt::Result {
    let since = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let mut text = [0u8; 27];
    SECOND.with(|cached| {
        let mut cached = cached.borrow_mut();
        if cached.0 != secs {
            *cached = (secs, calendar(secs));
        }
        text[..19].copy_from_slice(&cached.1);
    });
    text[19] = b'.';
    digits(&mut text[20..26], u64::from(since.subsec_micros()));
    text[26] = b'Z';
    // Only ASCII digits and punctuation were written.
    writer.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?)
}

/// `YYYY-MM-DDTHH:MM:SS` of a Unix time (the civil-from-days algorithm of H. Hinnant).
fn calendar(secs: u64) -> [u8; 19] {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let mut out = *b"0000-00-00T00:00:00";
    digits(&mut out[0..4], year.clamp(0, 9999) as u64);
    digits(&mut out[5..7], month as u64);
    digits(&mut out[8..10], day as u64);
    digits(&mut out[11..13], rem / 3600);
    digits(&mut out[14..16], rem / 60 % 60);
    digits(&mut out[17..19], rem % 60);
    out
}

/// `value` in decimal, zero-padded to fill `out`.
fn digits(out: &mut [u8], mut value: u64) {
    for byte in out.iter_mut().rev() {
        *byte = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// Writes ` name=value` for each field (` message` alone for the message), as tracing's
/// default visitor does.
struct Fields<'a, 'w> {
    writer: &'a mut Writer<'w>,
    result: fmt::Result,
}

impl Fields<'_, '_> {
    fn name(&mut self, field: &Field) -> fmt::Result {
        self.writer.write_char(' ')?;
        if field.name() != "message" {
            // `r#type` and the like are written without the raw prefix, as tracing does.
            let name = field.name();
            self.writer
                .write_str(name.strip_prefix("r#").unwrap_or(name))?;
            self.writer.write_char('=')?;
        }
        Ok(())
    }
}

impl Visit for Fields<'_, '_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if self.result.is_err() {
            return;
        }
        self.result = self.name(field).and_then(|()| {
            if field.name() == "message" {
                self.writer.write_str(value)
            } else {
                // tracing's default writes a string field quoted (Debug).
                write!(self.writer, "{value:?}")
            }
        });
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        if self.result.is_err() {
            return;
        }
        self.result = self.name(field).and_then(|()| {
            let mut buf = [0u8; 20];
            let len = decimal_len(value);
            digits(&mut buf[..len], value);
            self.writer
                .write_str(std::str::from_utf8(&buf[..len]).map_err(|_| fmt::Error)?)
        });
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        if self.result.is_err() {
            return;
        }
        if value >= 0 {
            self.record_u64(field, value as u64);
        } else {
            self.result = self
                .name(field)
                .and_then(|()| write!(self.writer, "{value}"));
        }
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        if self.result.is_err() {
            return;
        }
        self.result = self
            .name(field)
            .and_then(|()| self.writer.write_str(if value { "true" } else { "false" }));
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        if self.result.is_err() {
            return;
        }
        self.result = self
            .name(field)
            .and_then(|()| write!(self.writer, "{value}"));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if self.result.is_err() {
            return;
        }
        self.result = self
            .name(field)
            .and_then(|()| write!(self.writer, "{value:?}"));
    }
}

fn decimal_len(mut value: u64) -> usize {
    let mut len = 1;
    while value >= 10 {
        value /= 10;
        len += 1;
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    #[test]
    fn the_calendar_matches_known_dates() {
        for (secs, text) in [
            (0, "1970-01-01T00:00:00"),
            (951_782_400, "2000-02-29T00:00:00"),
            (1_709_164_799, "2024-02-28T23:59:59"),
            (1_709_251_199, "2024-02-29T23:59:59"),
            (1_798_502_400, "2026-12-29T00:00:00"),
            (4_102_444_799, "2099-12-31T23:59:59"),
        ] {
            assert_eq!(
                std::str::from_utf8(&calendar(secs)).unwrap(),
                text,
                "{secs}"
            );
        }
        let mut out = String::new();
        let at = UNIX_EPOCH + Duration::new(1_709_251_199, 123_456_789);
        write_timestamp(&mut out, at).unwrap();
        assert_eq!(out, "2024-02-29T23:59:59.123456Z");
    }

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn lines(format: impl FnOnce(&Captured)) -> String {
        let out = Captured::default();
        format(&out);
        let bytes = out.0.lock().unwrap().clone();
        String::from_utf8(bytes).unwrap()
    }

    /// The same events through tracing's own format (no time, no colour) and through this one
    /// (its timestamp cut off): the same text.
    #[test]
    fn lines_read_as_tracings_own_format() {
        let emit = || {
            let path = "/v1/account?api_key=x";
            tracing::info!(
                target: "terminus_mock::request",
                method = %http::Method::GET,
                path = %path,
                status = 200u16,
                latency_us = 17u64,
                key = %"thub_…WXYZ",
                auth = "valid key",
                "public request"
            );
            tracing::warn!(target: "terminus_mock::listener", listener = ?Some(1), "accept failed: {}", "EMFILE");
            tracing::error!(offset = -3i64, ok = true, quoted = "a \"b\"\n", "plain");
        };
        let theirs = lines(|out| {
            let out = out.clone();
            let subscriber = tracing_subscriber::fmt()
                .without_time()
                .with_ansi(false)
                .with_writer(move || out.clone())
                .finish();
            tracing::subscriber::with_default(subscriber, emit);
        });
        let ours = lines(|out| {
            let out = out.clone();
            let subscriber = tracing_subscriber::fmt()
                .event_format(LineFormat { ansi: false })
                .with_writer(move || out.clone())
                .finish();
            tracing::subscriber::with_default(subscriber, emit);
        });
        let ours: String = ours
            .lines()
            .map(|line| {
                // `…Z` and the space tracing writes after a timestamp.
                assert_eq!(&line[26..28], "Z ", "{line}");
                format!("{}\n", &line[28..])
            })
            .collect();
        assert_eq!(ours, theirs);
        assert_eq!(theirs.lines().count(), 3, "{theirs}");
    }
}
