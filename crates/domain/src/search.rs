//! How the public portal matches and ranks a citizen's search (docs/DOMAIN.md § Public portal): the query
//! and the texts are folded (no diacritics, "đ" as "d", any case), words are matched from their start, and a
//! match of the words side by side, as typed, comes before one where they are scattered. "son dong" thus finds
//! the commune Sơn Đông first, and a registration that merely says "đồng chí" somewhere and has a "Sơn" in it
//! is not shown beside it (it is offered behind a link as a wider search).

/// How well a text matches a query; lower is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchRank {
    /// The query's words side by side, in order, in the title.
    PhraseInTitle,
    /// Side by side in the text.
    Phrase,
    /// Every word in the title, not side by side.
    WordsInTitle,
    /// Every word somewhere in the text.
    Words,
}

impl MatchRank {
    /// True for the side-by-side ranks.
    pub fn is_phrase(self) -> bool {
        matches!(self, MatchRank::PhraseInTitle | MatchRank::Phrase)
    }
}

/// The words of a folded text: runs of letters and digits.
pub fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// The query's words, folded. Empty for a query without letters or digits.
pub fn query_terms(query: &str) -> Vec<String> {
    let folded = crate::text::fold(query);
    words(&folded).map(str::to_string).collect()
}

/// Where the words of `text` (folded) match `terms` side by side: every term but the last is a whole word,
/// the last may be the start of one (a word still being typed).
fn has_phrase(text: &[&str], terms: &[String]) -> bool {
    let n = terms.len();
    if n == 0 || text.len() < n {
        return false;
    }
    text.windows(n).any(|w| {
        w.iter().zip(terms).enumerate().all(|(k, (word, term))| {
            if k + 1 == n {
                word.starts_with(term.as_str())
            } else {
                *word == term.as_str()
            }
        })
    })
}

/// Every term starts some word of the text.
fn has_words(text: &[&str], terms: &[String]) -> bool {
    terms
        .iter()
        .all(|t| text.iter().any(|w| w.starts_with(t.as_str())))
}

/// How `title` and `text` (both folded; the text includes the title or not, either is fine) match the
/// folded `terms`; `None` when some term starts no word.
pub fn rank(terms: &[String], title: &str, text: &str) -> Option<MatchRank> {
    if terms.is_empty() {
        return None;
    }
    // Cheap refusal first: every term must occur at all.
    if !terms
        .iter()
        .all(|t| text.contains(t.as_str()) || title.contains(t.as_str()))
    {
        return None;
    }
    let title_words: Vec<&str> = words(title).collect();
    let text_words: Vec<&str> = words(text).collect();
    if has_phrase(&title_words, terms) {
        Some(MatchRank::PhraseInTitle)
    } else if has_phrase(&text_words, terms) {
        Some(MatchRank::Phrase)
    } else if has_words(&title_words, terms) {
        Some(MatchRank::WordsInTitle)
    } else if terms.iter().all(|t| {
        let starts = |w: &&str| w.starts_with(t.as_str());
        title_words.iter().any(starts) || text_words.iter().any(starts)
    }) {
        Some(MatchRank::Words)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fold;

    fn r(q: &str, title: &str, text: &str) -> Option<MatchRank> {
        rank(&query_terms(q), &fold(title), &fold(text))
    }

    #[test]
    fn side_by_side_first_then_scattered() {
        assert_eq!(
            r("son dong", "Đảng bộ xã Sơn Đông", "Đảng bộ xã Sơn Đông"),
            Some(MatchRank::PhraseInTitle)
        );
        assert_eq!(
            r(
                "son dong",
                "Nguyễn Văn An — Bí thư",
                "Bí thư Đảng ủy xã Sơn Đông: làm đường"
            ),
            Some(MatchRank::Phrase)
        );
        assert_eq!(
            r(
                "son dong",
                "Trần Văn Sơn — Trưởng ấp",
                "Vận động đồng chí đảng viên"
            ),
            Some(MatchRank::Words)
        );
        assert!(MatchRank::PhraseInTitle < MatchRank::Phrase);
        assert!(MatchRank::Phrase < MatchRank::WordsInTitle);
        assert!(MatchRank::WordsInTitle < MatchRank::Words);
    }

    #[test]
    fn words_match_from_their_start_not_inside() {
        // "dong" is not inside "cộng"/"không"; "an" does not match "Toàn" or "thanh".
        assert_eq!(r("dong", "x", "Cộng không"), None);
        assert_eq!(r("an", "Nguyễn Văn Toàn", "thanh niên"), None);
        assert_eq!(r("an", "Nguyễn Văn An", ""), Some(MatchRank::PhraseInTitle));
        // A word being typed: the last term may be the start of a word.
        assert_eq!(
            r("dan van kh", "Dân vận khéo", ""),
            Some(MatchRank::PhraseInTitle)
        );
        // Diacritics and đ do not matter; case does not either.
        assert_eq!(
            r("ĐÈN CHIẾU", "", "lắp đèn chiếu sáng"),
            Some(MatchRank::Phrase)
        );
        assert_eq!(
            r("den chieu", "", "lắp đèn chiếu sáng"),
            Some(MatchRank::Phrase)
        );
        // Punctuation separates words.
        assert_eq!(
            r("hem 5", "", "(hẻm 5, khu phố 1)"),
            Some(MatchRank::Phrase)
        );
    }

    #[test]
    fn no_terms_no_match() {
        assert!(query_terms("  — , . ").is_empty());
        assert_eq!(r(" - ", "Sơn Đông", "Sơn Đông"), None);
        assert_eq!(r("son dong", "Bến Tre", "thành phố"), None);
    }
}
