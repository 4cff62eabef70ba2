//! `cargo fuzz run check_photo` (from crates/office).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Whatever the bytes, the check answers (never panics); an accepted photo is within the limits and
    // its thumbnail is a JPEG that decodes to at most the thumbnail width.
    if let Ok(photo) = office::check_photo("x.jpg", data) {
        assert!(photo.content_type.starts_with("image/"));
        assert!(u64::from(photo.width) * u64::from(photo.height) <= office::MAX_PHOTO_PIXELS);
        assert!(photo.thumbnail_jpeg.starts_with(&[0xFF, 0xD8, 0xFF]));
        let thumb = office::check_photo("t.jpg", &photo.thumbnail_jpeg);
        assert!(thumb.is_ok_and(|t| t.width <= office::THUMBNAIL_WIDTH));
    }
});
