//! Explicit limits on what a reader accepts (RB-1.5).

/// Limits applied by [`validate`](super::validate). Every count is also checked against the bytes
/// that remain, so a huge count in a short input fails at once whatever the limits (RB-1.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest batch, in bytes.
    pub max_batch_bytes: usize,
    /// Most diffs (updated components) in one batch.
    pub max_diffs: usize,
    /// Most edits in one diff.
    pub max_edits_per_diff: usize,
    /// Most reference frames.
    pub max_reference_frames: usize,
    /// Most string table entries.
    pub max_strings: usize,
    /// Longest string, in UTF-8 bytes.
    pub max_string_bytes: usize,
    /// Most bytes of strings summed over every reference to them: a short batch can refer to one
    /// long string many times, and its owned or JSON form holds a copy per reference.
    pub max_expanded_string_bytes: usize,
    /// Deepest nesting of subtrees (elements, components, regions) among the reference frames,
    /// and of `StepIn` edits within a diff.
    pub max_depth: usize,
}

impl Limits {
    /// Limits large enough for every batch ASP.NET Core writes in practice (the largest recorded,
    /// 10,000 table rows, is 5 MB with 190,000 frames) and small enough to bound a reader's work.
    pub const DEFAULT: Limits = Limits {
        max_batch_bytes: 128 * 1024 * 1024,
        max_diffs: 1 << 20,
        max_edits_per_diff: 1 << 24,
        max_reference_frames: 1 << 24,
        max_strings: 1 << 24,
        max_string_bytes: 16 * 1024 * 1024,
        max_expanded_string_bytes: 256 * 1024 * 1024,
        max_depth: 1024,
    };

    /// No limit beyond what the input's size allows.
    pub const UNLIMITED: Limits = Limits {
        max_batch_bytes: usize::MAX,
        max_diffs: usize::MAX,
        max_edits_per_diff: usize::MAX,
        max_reference_frames: usize::MAX,
        max_strings: usize::MAX,
        max_string_bytes: usize::MAX,
        max_expanded_string_bytes: usize::MAX,
        max_depth: usize::MAX,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}
