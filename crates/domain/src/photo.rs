//! Evidence photos of good-practice models: what the store keeps of an upload once it passed the
//! checks (`office::check_photo` decodes it; the store runs that check and stores the result).

/// A photo that passed the upload checks, with its thumbnail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedPhoto {
    /// "image/jpeg", "image/png" or "image/webp", from the content.
    pub content_type: &'static str,
    /// The file name with an extension that matches the content ("anh.jpg" holding a PNG → "anh.png").
    pub filename: String,
    /// Width and height as displayed (after the EXIF orientation).
    pub width: u32,
    pub height: u32,
    /// A JPEG thumbnail, never wider than the original.
    pub thumbnail_jpeg: Vec<u8>,
}

/// The check a photo upload goes through: the file name as sent and the bytes in, the checked photo
/// or a Vietnamese message (shown as it is) out. `office::check_photo` is the one lamtheo uses.
pub type PhotoCheck<E> = fn(&str, &[u8]) -> Result<CheckedPhoto, E>;
