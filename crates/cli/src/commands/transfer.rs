//! `user import` and `user export`: streaming, a batch at a time, with progress on a
//! terminal and a summary at the end (JSON with --json).

use crate::cli::TransferFormat;
use crate::output::Out;
use crate::progress::Progress;
use anyhow::{Context, Result, anyhow};
use portcullis_app::App;
use portcullis_app::transfer::import::{ImportOptions, RowFailure};
use portcullis_core::transfer::{UserRecord, csv};
use serde_json::json;
use std::collections::HashSet;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// Rows per store transaction.
const BATCH: usize = 2000;
/// Failures kept for the JSON summary (all are counted; in text mode all are printed).
const MAX_REPORTED: usize = 1000;

#[derive(Default)]
struct Totals {
    rows: u64,
    created: u64,
    skipped: u64,
    replaced: u64,
    valid: u64,
    failed: u64,
    failures: Vec<RowFailure>,
}

fn open_input(file: &Path) -> Result<(Box<dyn Read + Send>, Option<u64>)> {
    if file == Path::new("-") {
        return Ok((Box::new(std::io::stdin()), None));
    }
    let f = std::fs::File::open(file).with_context(|| format!("{}", file.display()))?;
    let size = f.metadata().ok().map(|m| m.len());
    Ok((Box::new(f), size))
}

pub async fn import(
    app: &App,
    pool_id: &str,
    file: &Path,
    format: TransferFormat,
    opts: ImportOptions,
    out: &Out,
) -> Result<()> {
    let pool = app.pool(pool_id).await?;
    let (input, size) = open_input(file)?;
    let mut progress = Progress::new("importing", size);
    let mut totals = Totals::default();
    let mut known = HashSet::new();
    // Reading and parsing run on their own thread, a batch ahead of the writes, so the two
    // cores work at once (the database writes on its own thread too).
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Parsed>>(2);
    let reader = std::thread::spawn(move || read_batches(input, format, &tx));
    while let Some(parsed) = rx.recv().await {
        let parsed = parsed?;
        totals.rows += parsed.rows;
        for (line, reason) in parsed.bad {
            fail(&mut totals, &progress, out, line, reason);
        }
        let mut batch = parsed.good;
        flush(
            app,
            &pool,
            &mut batch,
            opts,
            &mut known,
            &mut totals,
            &progress,
            out,
        )
        .await?;
        progress.tick(totals.rows, parsed.bytes);
    }
    reader
        .join()
        .map_err(|_| anyhow!("the import file reader stopped"))?;
    progress.clear();
    totals.failures.sort_by_key(|f| f.line);
    let secs = progress.elapsed().as_secs_f64();
    let summary = json!({
        "pool": pool_id,
        "dry_run": opts.dry_run,
        "rows": totals.rows,
        "created": totals.created,
        "skipped": totals.skipped,
        "replaced": totals.replaced,
        "valid": totals.valid,
        "failed": totals.failed,
        "failures": totals.failures,
        "seconds": (secs * 100.0).round() / 100.0,
        "rows_per_second": (totals.rows as f64 / secs.max(0.001)).round(),
    });
    if out.json {
        out.object(&summary);
    } else {
        println!(
            "{} rows in {secs:.1}s: {} created, {} skipped, {} replaced, {} failed{}",
            totals.rows,
            totals.created,
            totals.skipped,
            totals.replaced,
            totals.failed,
            if opts.dry_run {
                " (dry run: nothing written)"
            } else {
                ""
            }
        );
    }
    Ok(())
}

fn fail(totals: &mut Totals, progress: &Progress, out: &Out, line: u64, reason: String) {
    totals.failed += 1;
    if !out.json {
        progress.clear();
        eprintln!("line {line}: {reason}");
    }
    if totals.failures.len() < MAX_REPORTED {
        totals.failures.push(RowFailure { line, reason });
    }
}

/// One batch as read: the records, the rows that could not be read, how far into the file.
struct Parsed {
    good: Vec<(u64, UserRecord)>,
    bad: Vec<(u64, String)>,
    rows: u64,
    bytes: u64,
}

/// Reads the file a batch at a time and sends each batch; stops when the receiver is gone.
fn read_batches(
    input: Box<dyn Read + Send>,
    format: TransferFormat,
    tx: &tokio::sync::mpsc::Sender<Result<Parsed>>,
) {
    let mut reader = BufReader::with_capacity(1 << 20, input);
    let mut header: Option<Vec<String>> = None;
    let (mut line_no, mut bytes) = (0u64, 0u64);
    let mut line = String::new();
    let fresh = || Parsed {
        good: Vec::with_capacity(BATCH),
        bad: Vec::new(),
        rows: 0,
        bytes: 0,
    };
    let mut batch = fresh();
    loop {
        line.clear();
        let n = match reader.read_line(&mut line) {
            Ok(n) => n,
            Err(e) => {
                let _ = tx.blocking_send(Err(anyhow!("reading the import file: {e}")));
                return;
            }
        };
        if n == 0 {
            break;
        }
        line_no += 1;
        bytes += n as u64;
        if line.trim().is_empty() {
            continue;
        }
        let parsed = match (format, &header) {
            (TransferFormat::Jsonl, _) => UserRecord::parse_line(&line),
            (TransferFormat::CognitoCsv, None) => match csv::header(&line) {
                Ok(cols) => {
                    header = Some(cols);
                    continue;
                }
                Err(e) => {
                    let _ = tx.blocking_send(Err(anyhow!("line 1 (the header): {e}")));
                    return;
                }
            },
            (TransferFormat::CognitoCsv, Some(cols)) => csv::record(cols, &line),
        };
        batch.rows += 1;
        match parsed {
            Ok(rec) => batch.good.push((line_no, rec)),
            Err(reason) => batch.bad.push((line_no, reason)),
        }
        if batch.good.len() >= BATCH {
            batch.bytes = bytes;
            if tx
                .blocking_send(Ok(std::mem::replace(&mut batch, fresh())))
                .is_err()
            {
                return;
            }
        }
    }
    batch.bytes = bytes;
    let _ = tx.blocking_send(Ok(batch));
}

#[allow(clippy::too_many_arguments)]
async fn flush(
    app: &App,
    pool: &portcullis_core::pool::UserPool,
    batch: &mut Vec<(u64, UserRecord)>,
    opts: ImportOptions,
    known: &mut HashSet<String>,
    totals: &mut Totals,
    progress: &Progress,
    out: &Out,
) -> Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let r = app
        .import_batch(pool, std::mem::take(batch), opts, known)
        .await?;
    totals.created += r.created;
    totals.skipped += r.skipped;
    totals.replaced += r.replaced;
    totals.valid += r.valid;
    for f in r.failures {
        fail(totals, progress, out, f.line, f.reason);
    }
    Ok(())
}

pub async fn export(
    app: &App,
    pool_id: &str,
    format: TransferFormat,
    with_hashes: bool,
    output: Option<&PathBuf>,
    out: &Out,
) -> Result<()> {
    let pool = app.pool(pool_id).await?;
    let total = app.count_users(&pool.id).await?;
    let sink: Box<dyn Write> = match output {
        Some(p) => Box::new(std::fs::File::create(p).with_context(|| format!("{}", p.display()))?),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut w = BufWriter::with_capacity(1 << 20, sink);
    let custom: Vec<String> = pool
        .settings
        .custom_attributes
        .iter()
        .map(|a| format!("custom:{}", a.name))
        .collect();
    let columns: Vec<&str> = csv::STANDARD_COLUMNS
        .iter()
        .copied()
        .chain(custom.iter().map(String::as_str))
        .collect();
    if format == TransferFormat::CognitoCsv {
        writeln!(w, "{}", columns.join(","))?;
    }
    let mut progress = Progress::new("exporting", Some(total));
    let (mut rows, mut after) = (0u64, None::<String>);
    loop {
        let (records, next) = app
            .export_page(&pool, after.as_deref(), 1000, with_hashes)
            .await?;
        for r in &records {
            match format {
                TransferFormat::Jsonl => {
                    serde_json::to_writer(&mut w, r)?;
                    w.write_all(b"\n")?;
                }
                TransferFormat::CognitoCsv => {
                    let cells: Vec<String> = columns
                        .iter()
                        .map(|c| match *c {
                            "cognito:username" => csv::quote(&r.username),
                            "cognito:mfa_enabled" => "false".into(),
                            c => csv::quote(r.attributes.get(c).map_or("", String::as_str)),
                        })
                        .collect();
                    writeln!(w, "{}", cells.join(","))?;
                }
            }
        }
        rows += records.len() as u64;
        progress.tick(rows, rows);
        match next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    w.flush()?;
    progress.clear();
    let secs = progress.elapsed().as_secs_f64();
    let summary = json!({
        "pool": pool_id,
        "exported": rows,
        "with_hashes": with_hashes,
        "seconds": (secs * 100.0).round() / 100.0,
    });
    // With the records on standard output, the summary goes to standard error.
    if output.is_some() {
        if out.json {
            out.object(&summary);
        } else {
            println!("{rows} users exported in {secs:.1}s");
        }
    } else {
        eprintln!("{summary}");
    }
    Ok(())
}
