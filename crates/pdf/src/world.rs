//! A minimal [`typst::World`]: one main source (the 公文 template), one data file (the document as
//! JSON) and the Noto CJK fonts of the system. No network, no packages, no clock.

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, OnceLock};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook, FontInfo};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::PdfError;

/// Where Debian (and most Linux distributions) install fonts. Searched recursively.
const FONT_DIRS: &[&str] = &["/usr/share/fonts", "/usr/local/share/fonts"];

/// The families the template uses: 仿宋-like body and 小标宋-like titles from Noto Serif CJK SC,
/// 黑体-like headings from Noto Sans CJK SC. Lower-case, as [`FontBook`] keys them.
pub(crate) const REQUIRED_FAMILIES: &[&str] = &["Noto Serif CJK SC", "Noto Sans CJK SC"];

/// The Debian package that ships [`REQUIRED_FAMILIES`].
pub(crate) const FONT_PACKAGE: &str = "fonts-noto-cjk";

/// The template, compiled into the binary.
const TEMPLATE: &str = include_str!("gongwen.typ");

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

static FONTS: OnceLock<Arc<Fonts>> = OnceLock::new();

/// A font file found on disk; its bytes are read on first use and shared by all its faces.
#[derive(Debug)]
struct FontFile {
    path: PathBuf,
    data: OnceLock<Option<Bytes>>,
}

/// One face of a font file, loaded when typst first asks for it.
#[derive(Debug)]
struct FontSlot {
    file: usize,
    index: u32,
    font: OnceLock<Option<Font>>,
}

/// The fonts found on the system: metadata up front, data on demand.
#[derive(Debug)]
pub(crate) struct Fonts {
    book: LazyHash<FontBook>,
    files: Vec<FontFile>,
    slots: Vec<FontSlot>,
}

impl Fonts {
    /// The process-wide fonts, searched once. A failed search is not remembered, so installing
    /// the fonts fixes a running server on the next document.
    pub(crate) fn get() -> Result<Arc<Fonts>, PdfError> {
        if let Some(fonts) = FONTS.get() {
            return Ok(Arc::clone(fonts));
        }
        let fonts = Arc::new(Self::search(FONT_DIRS)?);
        Ok(Arc::clone(FONTS.get_or_init(|| fonts)))
    }

    fn search(dirs: &[&str]) -> Result<Self, PdfError> {
        let mut paths = Vec::new();
        for dir in dirs {
            collect_font_files(Path::new(dir), 0, &mut paths);
        }
        paths.sort();
        let mut book = FontBook::new();
        let mut files = Vec::new();
        let mut slots = Vec::new();
        for path in paths {
            // Unreadable or broken files are skipped, as any font search does.
            let Ok(data) = std::fs::read(&path) else { continue };
            let file = files.len();
            let mut any = false;
            for index in 0..faces_in(&data) {
                if let Some(info) = FontInfo::new(&data, index) {
                    book.push(info);
                    slots.push(FontSlot { file, index, font: OnceLock::new() });
                    any = true;
                }
            }
            if any {
                files.push(FontFile { path, data: OnceLock::new() });
            }
        }
        for family in REQUIRED_FAMILIES {
            if !book.contains_family(&family.to_lowercase()) {
                return Err(PdfError::FontNotFound { family: (*family).to_owned(), package: FONT_PACKAGE });
            }
        }
        Ok(Self { book: LazyHash::new(book), files, slots })
    }

    fn font(&self, index: usize) -> Option<Font> {
        let slot = self.slots.get(index)?;
        slot.font
            .get_or_init(|| {
                let file = self.files.get(slot.file)?;
                let data = file.data.get_or_init(|| std::fs::read(&file.path).ok().map(Bytes::new)).clone()?;
                Font::new(data, slot.index)
            })
            .clone()
    }
}

/// Only the CJK collections are read: the template asks for nothing else, and reading every font
/// of a large system at first use would cost time and memory for nothing. Noto CJK carries its own
/// Latin glyphs and digits.
fn is_candidate(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else { return false };
    let lower = name.to_ascii_lowercase();
    let font_ext = [".ttc", ".otc", ".otf", ".ttf"].iter().any(|ext| lower.ends_with(ext));
    font_ext && lower.contains("cjk")
}

fn collect_font_files(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    if depth > 8 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        // `metadata` follows symbolic links, as Debian's font alternatives use them.
        let Ok(meta) = std::fs::metadata(&path) else { continue };
        if meta.is_dir() {
            collect_font_files(&path, depth + 1, out);
        } else if meta.is_file() && is_candidate(&path) {
            out.push(path);
        }
    }
}

/// How many faces a font file holds: a TrueType/OpenType collection (`ttcf`) names the count at
/// byte 8; any other file is one face.
fn faces_in(data: &[u8]) -> u32 {
    match data {
        [b't', b't', b'c', b'f', _, _, _, _, a, b, c, d, ..] => u32::from_be_bytes([*a, *b, *c, *d]),
        _ => 1,
    }
}

/// The world of one document: the template as `/main.typ` and the document's data as
/// `/data.json`, which the template reads with `json(...)`. User text never becomes markup.
pub(crate) struct DocWorld {
    fonts: Arc<Fonts>,
    main: Source,
    data_id: FileId,
    data: Bytes,
}

fn file_id(path: &str) -> Result<FileId, PdfError> {
    let vpath = VirtualPath::new(path).map_err(|err| PdfError::Typeset(format!("虚拟路径 {path} 无效：{err}")))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

impl DocWorld {
    pub(crate) fn new(data: Vec<u8>) -> Result<Self, PdfError> {
        let fonts = Fonts::get()?;
        let main = Source::new(file_id("/main.typ")?, TEMPLATE.to_owned());
        Ok(Self { fonts, main, data_id: file_id("/data.json")?, data: Bytes::new(data) })
    }
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound(PathBuf::from(id.vpath().get_with_slash())))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.clone()))
        } else {
            Err(FileError::NotFound(PathBuf::from(id.vpath().get_with_slash())))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.font(index)
    }

    /// The template never reads the clock: every date is in the data.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_faces_of_collections() {
        let mut ttc = b"ttcf\0\x02\0\0\0\0\0\x0a".to_vec();
        ttc.extend_from_slice(&[0; 40]);
        assert_eq!(faces_in(&ttc), 10);
        assert_eq!(faces_in(b"\0\x01\0\0rest"), 1);
    }

    #[test]
    fn without_noto_cjk_says_which_package_to_install() {
        let Err(err) = Fonts::search(&["/nonexistent/fonts"]) else { unreachable!("no fonts there") };
        let message = err.to_string();
        assert!(message.contains("Noto Serif CJK SC"), "{message}");
        assert!(message.contains("apt-get install fonts-noto-cjk"), "{message}");
    }

    #[test]
    fn picks_only_cjk_font_files() {
        assert!(is_candidate(Path::new("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")));
        assert!(is_candidate(Path::new("/x/NotoSansCJKsc-Bold.otf")));
        assert!(!is_candidate(Path::new("/x/DejaVuSans.ttf")));
        assert!(!is_candidate(Path::new("/x/cjk-readme.txt")));
    }
}
