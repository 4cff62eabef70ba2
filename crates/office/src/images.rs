//! Evidence photos of good-practice models (docs/DOMAIN.md § Models): what an upload must be before the
//! store keeps it.
//!
//! The type is decided by the bytes (magic numbers), never by the name: a PDF called "anh.jpg" is refused,
//! a PNG called "anh.jpg" is a PNG. Only JPEG, PNG and WebP are decoded (the `image` crate is built with
//! these three codecs and nothing else). Guards, in order: the byte size (8 MB), the dimensions read from
//! the header (40 megapixels, before any pixel is decoded), decoder limits on width, height and memory
//! (a file whose header lies still cannot make the decoder allocate more), then a full decode (a truncated
//! or corrupt file is refused), the EXIF orientation applied, and a JPEG thumbnail at most
//! [`THUMBNAIL_WIDTH`] pixels wide.

use domain::photo::CheckedPhoto;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// Largest accepted photo file.
pub const MAX_PHOTO_BYTES: usize = 8 * 1024 * 1024;
/// Largest accepted photo, in pixels (width × height).
pub const MAX_PHOTO_PIXELS: u64 = 40_000_000;
/// Longest side accepted (a 40-megapixel panorama is still refused when one side is absurd).
pub const MAX_PHOTO_SIDE: u32 = 20_000;
/// Thumbnails are at most this wide…
pub const THUMBNAIL_WIDTH: u32 = 480;
/// …and at most this tall (very tall images are scaled to fit).
pub const THUMBNAIL_HEIGHT: u32 = 1440;
/// JPEG quality of thumbnails.
const THUMBNAIL_QUALITY: u8 = 80;
/// Memory the decoder may allocate: a 40-megapixel image with 16-bit RGBA samples, plus slack.
const MAX_DECODE_ALLOC: u64 = MAX_PHOTO_PIXELS * 8 + 64 * 1024 * 1024;

/// Why a photo is refused. Messages are Vietnamese and shown as they are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("Tệp rỗng: hãy chọn một ảnh")]
    Empty,
    #[error("Ảnh quá lớn (tối đa 8 MB)")]
    TooLarge,
    #[error("Tệp không phải là ảnh JPEG/PNG/WebP")]
    NotAnImage,
    #[error("Ảnh quá lớn ({0} × {1} điểm ảnh; tối đa 40 triệu điểm ảnh)")]
    TooManyPixels(u32, u32),
    #[error("Ảnh bị hỏng, không đọc được")]
    Corrupt,
    #[error("Không tạo được ảnh thu nhỏ")]
    Thumbnail,
}

/// Checks an uploaded photo and makes its thumbnail. `filename` is only used to name the stored file:
/// it decides nothing.
pub fn check_photo(filename: &str, bytes: &[u8]) -> Result<CheckedPhoto, PhotoError> {
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(PhotoError::TooLarge);
    }
    let (format, content_type, ext) = photo_format(bytes).ok_or(PhotoError::NotAnImage)?;
    // Dimensions from the header first: cheap, and refuses a decoding bomb before any allocation.
    let (w, h) = reader(bytes, format)
        .into_dimensions()
        .map_err(|_| PhotoError::Corrupt)?;
    if w == 0 || h == 0 {
        return Err(PhotoError::Corrupt);
    }
    if u64::from(w) * u64::from(h) > MAX_PHOTO_PIXELS || w > MAX_PHOTO_SIDE || h > MAX_PHOTO_SIDE {
        return Err(PhotoError::TooManyPixels(w, h));
    }
    if format == ImageFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err(PhotoError::Corrupt);
    }
    let mut decoder = reader(bytes, format)
        .into_decoder()
        .map_err(|_| PhotoError::Corrupt)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => PhotoError::TooManyPixels(w, h),
        _ => PhotoError::Corrupt,
    })?;
    img.apply_orientation(orientation);
    let thumbnail_jpeg = thumbnail(&img)?;
    Ok(CheckedPhoto {
        content_type,
        filename: with_extension(filename, ext),
        width: img.width(),
        height: img.height(),
        thumbnail_jpeg,
    })
}

/// The format of the bytes, when it is one lamtheo accepts: (format, content type, extension).
pub fn photo_format(bytes: &[u8]) -> Option<(ImageFormat, &'static str, &'static str)> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some((ImageFormat::Jpeg, "image/jpeg", "jpg"))
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some((ImageFormat::Png, "image/png", "png"))
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some((ImageFormat::WebP, "image/webp", "webp"))
    } else {
        None
    }
}

fn reader(bytes: &[u8], format: ImageFormat) -> ImageReader<Cursor<&[u8]>> {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_PHOTO_SIDE);
    limits.max_image_height = Some(MAX_PHOTO_SIDE);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    let mut r = ImageReader::with_format(Cursor::new(bytes), format);
    r.limits(limits);
    r
}

/// Whether the main image of a JPEG is complete: its segments are walked from the start (skipping APPn
/// segments, so an EXIF thumbnail with its own end marker does not count) to the first scan, and the end
/// marker (FF D9) must follow. Entropy-coded data never holds FF D9, so a file cut inside its scans has
/// none; bytes after the end marker (trailers, "motion photo" videos) are allowed. The JPEG decoder fills
/// a scan cut at some points with grey rather than failing, so without this check half a photo could be
/// accepted.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let mut i = 2;
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            return false;
        }
        let marker = bytes[i + 1];
        match marker {
            // Fill byte before a marker.
            0xFF => i += 1,
            // Start of scan: the rest must hold the end marker.
            0xDA => return bytes[i + 2..].windows(2).any(|w| w == [0xFF, 0xD9]),
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => i += 2,
            _ => {
                let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
                if len < 2 {
                    return false;
                }
                i += 2 + len;
            }
        }
    }
    false
}

fn thumbnail(img: &DynamicImage) -> Result<Vec<u8>, PhotoError> {
    let small = if img.width() > THUMBNAIL_WIDTH || img.height() > THUMBNAIL_HEIGHT {
        img.resize(
            THUMBNAIL_WIDTH,
            THUMBNAIL_HEIGHT,
            image::imageops::FilterType::Triangle,
        )
    } else {
        img.clone()
    };
    // JPEG has no transparency: transparent areas become white, as on the page.
    let rgba = small.to_rgba8();
    let mut rgb = image::RgbImage::new(rgba.width(), rgba.height());
    for (dst, src) in rgb.pixels_mut().zip(rgba.pixels()) {
        let [r, g, b, a] = src.0;
        let blend = |c: u8| -> u8 {
            let c = u32::from(c) * u32::from(a) + 255 * (255 - u32::from(a));
            u8::try_from((c + 127) / 255).unwrap_or(u8::MAX)
        };
        dst.0 = [blend(r), blend(g), blend(b)];
    }
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, THUMBNAIL_QUALITY)
        .encode_image(&rgb)
        .map_err(|_| PhotoError::Thumbnail)?;
    Ok(out)
}

/// `name` with its extension replaced by `ext` (or added); a name without a stem becomes "anh.EXT".
fn with_extension(name: &str, ext: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name).trim();
    let stem = match base.rsplit_once('.') {
        Some((s, _)) => s.trim(),
        None => base,
    };
    let stem = if stem.is_empty() { "anh" } else { stem };
    format!("{stem}.{ext}")
}

/// A small PNG of solid colour (tests, the demo): `w` × `h` pixels.
pub fn solid_png(w: u32, h: u32, rgb: [u8; 3]) -> Result<Vec<u8>, PhotoError> {
    let img = image::RgbImage::from_pixel(w, h, image::Rgb(rgb));
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(img)
        .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .map_err(|_| PhotoError::Thumbnail)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
        });
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
            .encode_image(&img)
            .unwrap_or_default();
        out
    }

    #[test]
    fn a_good_png_gets_a_jpeg_thumbnail() {
        let png = solid_png(1200, 800, [200, 30, 30]).unwrap_or_default();
        let p = check_photo("bao-cao.PNG", &png);
        let Ok(p) = p else {
            panic!("refused: {p:?}");
        };
        assert_eq!(p.content_type, "image/png");
        assert_eq!((p.width, p.height), (1200, 800));
        assert_eq!(p.filename, "bao-cao.png");
        assert!(p.thumbnail_jpeg.starts_with(&[0xFF, 0xD8, 0xFF]));
        let thumb = image::load_from_memory(&p.thumbnail_jpeg).unwrap_or_default();
        assert_eq!((thumb.width(), thumb.height()), (480, 320));
    }

    #[test]
    fn small_images_are_not_enlarged() {
        let j = jpeg(200, 100);
        let p = check_photo("a.jpg", &j).unwrap_or_else(|e| panic!("{e}"));
        let thumb = image::load_from_memory(&p.thumbnail_jpeg).unwrap_or_default();
        assert_eq!((thumb.width(), thumb.height()), (200, 100));
    }

    #[test]
    fn type_is_decided_by_content() {
        let pdf = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer\n%%EOF".to_vec();
        assert_eq!(check_photo("anh.jpg", &pdf), Err(PhotoError::NotAnImage));
        assert_eq!(
            check_photo("anh.jpg", b"GIF89a\x01\x00\x01\x00"),
            Err(PhotoError::NotAnImage)
        );
        let png = solid_png(10, 10, [0, 0, 0]).unwrap_or_default();
        let p = check_photo("anh.jpg", &png).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (p.content_type, p.filename.as_str()),
            ("image/png", "anh.png")
        );
        assert_eq!(
            PhotoError::NotAnImage.to_string(),
            "Tệp không phải là ảnh JPEG/PNG/WebP"
        );
    }

    #[test]
    fn oversized_and_corrupt_files_are_refused() {
        let mut big = b"\x89PNG\r\n\x1a\n".to_vec();
        big.resize(MAX_PHOTO_BYTES + 1, 0);
        assert_eq!(check_photo("a.png", &big), Err(PhotoError::TooLarge));
        assert_eq!(
            PhotoError::TooLarge.to_string(),
            "Ảnh quá lớn (tối đa 8 MB)"
        );
        let j = jpeg(64, 64);
        assert!(check_photo("a.jpg", &j).is_ok());
        let truncated = &j[..j.len() / 2];
        assert_eq!(check_photo("a.jpg", truncated), Err(PhotoError::Corrupt));
        assert_eq!(
            check_photo("a.jpg", &j[..j.len() - 2]),
            Err(PhotoError::Corrupt)
        );
        let mut trailer = j.clone();
        trailer.extend_from_slice(b"ftypmp42 and a video after the end marker");
        assert!(check_photo("a.jpg", &trailer).is_ok());
        let png = solid_png(64, 64, [1, 2, 3]).unwrap_or_default();
        assert_eq!(
            check_photo("a.png", &png[..png.len() - 30]),
            Err(PhotoError::Corrupt)
        );
        assert_eq!(check_photo("a.png", &png[..20]), Err(PhotoError::Corrupt));
        assert_eq!(check_photo("a.png", b""), Err(PhotoError::Empty));
    }

    #[test]
    fn a_header_claiming_too_many_pixels_is_refused_before_decoding() {
        // A valid PNG header for 10 000 × 10 000 pixels (100 megapixels) and no pixel data.
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend_from_slice(&10_000u32.to_be_bytes());
        ihdr.extend_from_slice(&10_000u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        png.extend_from_slice(&13u32.to_be_bytes());
        png.extend_from_slice(&ihdr);
        png.extend_from_slice(&crc32(&ihdr).to_be_bytes());
        // An (empty) image data chunk and the end: enough for the header to be read.
        for chunk in [&b"IDAT"[..], &b"IEND"[..]] {
            png.extend_from_slice(&0u32.to_be_bytes());
            png.extend_from_slice(chunk);
            png.extend_from_slice(&crc32(chunk).to_be_bytes());
        }
        assert_eq!(
            check_photo("bom.png", &png),
            Err(PhotoError::TooManyPixels(10_000, 10_000))
        );
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn extensions_follow_the_content() {
        assert_eq!(
            with_extension("C:\\anh\\hop-dan.JPEG", "jpg"),
            "hop-dan.jpg"
        );
        assert_eq!(with_extension("khong-duoi", "png"), "khong-duoi.png");
        assert_eq!(with_extension(".png", "png"), "anh.png");
    }
}
