//! How big an upload may get once unpacked, checked before anything parses it. An `.xlsx` is a zip archive:
//! a 1 MB file can hold a gigabyte of XML (a zip bomb), and a sheet holding one cell at A1 and one at
//! XFD1048576 would be laid out by calamine as seventeen billion cells. So the archive is first unpacked into
//! nothing, counting what comes out, and a sheet is then read cell by cell within fixed bounds. An upload
//! past a bound is refused in words and nothing is written; memory stays near the size of a real sheet.

use super::ImportError;
use crate::exchange::MAX_IMPORT_ROWS;
use calamine::{Cell, Data, Range, Xlsx};
use std::io::{Cursor, Read};

/// The parts an archive may have: the template has about fifteen.
pub(super) const MAX_ENTRIES: usize = 200;
/// What all the parts may add up to, unpacked: a full template of 1,000 rows is well under 1 MiB.
pub(super) const MAX_UNPACKED_BYTES: u64 = 16 * 1024 * 1024;
/// The rows a sheet may use: the data rows, and the title, notes and header rows above them.
pub(super) const MAX_ROWS: u32 = MAX_IMPORT_ROWS + 50;
/// The columns a sheet may use: the template has eight.
pub(super) const MAX_COLUMNS: u32 = 64;

fn too_large(reason: String) -> ImportError {
    ImportError::TooLarge { reason }
}

/// Unpacks every part of the archive into nothing, stopping at the first byte past [`MAX_UNPACKED_BYTES`]:
/// the sizes an archive declares can lie, the bytes that come out cannot.
pub(super) fn check_archive(bytes: &[u8]) -> Result<(), ImportError> {
    let broken = |_| ImportError::NotXlsx { reason: "压缩包已损坏,无法作为.xlsx工作簿读取".to_owned() };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(broken)?;
    if archive.len() > MAX_ENTRIES {
        return Err(too_large(format!("压缩包内有{}个部件,超过上限{MAX_ENTRIES}个", archive.len())));
    }
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let part = archive.by_index(i).map_err(broken)?;
        let left = MAX_UNPACKED_BYTES - total;
        let read = std::io::copy(&mut part.take(left + 1), &mut std::io::sink()).map_err(|e| {
            tracing::debug!(error = %e, "xlsx part does not unpack");
            ImportError::NotXlsx { reason: "压缩包内的部件无法解压".to_owned() }
        })?;
        total += read;
        if total > MAX_UNPACKED_BYTES {
            return Err(too_large(format!("解压后超过{} MiB,不是正常的申报表", MAX_UNPACKED_BYTES / (1024 * 1024))));
        }
    }
    Ok(())
}

/// A worksheet's cells within [`MAX_ROWS`] × [`MAX_COLUMNS`]: `Ok(None)` when `name` is not a sheet calamine
/// can read (a chart sheet), refused when a cell with a value lies beyond the bounds. Empty cells out there
/// (a format applied to a whole column) are passed over.
pub(super) fn bounded_range(
    workbook: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<Range<Data>>, ImportError> {
    let mut reader = match workbook.worksheet_cells_reader(name) {
        Ok(reader) => reader,
        Err(e) => {
            tracing::debug!(error = %e, sheet = %name, "unreadable sheet");
            return Ok(None);
        }
    };
    let mut cells = Vec::new();
    loop {
        let cell = match reader.next_cell() {
            Ok(Some(cell)) => cell,
            Ok(None) => break,
            Err(e) => {
                tracing::debug!(error = %e, sheet = %name, "unreadable cell");
                return Ok(None);
            }
        };
        if calamine::DataType::is_empty(cell.get_value()) {
            continue;
        }
        let (row, column) = cell.get_position();
        if row >= MAX_ROWS || column >= MAX_COLUMNS {
            return Err(too_large(format!(
                "工作表“{name}”在第{}行第{}列有内容,超出{MAX_ROWS}行、{MAX_COLUMNS}列的范围",
                row + 1,
                column + 1
            )));
        }
        cells.push(Cell::new((row, column), Data::from(cell.get_value().clone())));
    }
    Ok(Some(Range::from_sparse(cells)))
}
