//! Which items of a long list to render: those on screen or near it. Heights of items
//! already seen are measured; the rest are estimated. Pure arithmetic, so the rule is
//! unit-tested; `feed_list` feeds it the scroll position and measurements.

/// Pixels rendered beyond each edge of the screen, so fast scrolling shows no gaps.
pub const OVERSCAN_PX: f64 = 2400.0;
/// The height assumed for a post not measured yet.
pub const ESTIMATED_PX: f64 = 280.0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    /// First item rendered.
    pub start: usize,
    /// One past the last item rendered.
    pub end: usize,
    /// Space above the first rendered item, standing in for the items before it.
    pub before_px: f64,
    /// Space below the last rendered item.
    pub after_px: f64,
}

/// The items to render when the list's top is `list_top` pixels below the top of the
/// page, the page is scrolled to `scroll_y`, and the screen is `screen_px` tall.
pub fn window(heights: &[Option<f64>], list_top: f64, scroll_y: f64, screen_px: f64) -> Window {
    let from = scroll_y - list_top - OVERSCAN_PX;
    let to = scroll_y - list_top + screen_px + OVERSCAN_PX;
    let mut offset = 0.0;
    let mut start = heights.len();
    let mut before_px = 0.0;
    let mut end = heights.len();
    for (index, height) in heights.iter().enumerate() {
        let height = height.unwrap_or(ESTIMATED_PX);
        if start == heights.len() && offset + height >= from {
            start = index;
            before_px = offset;
        }
        if offset > to {
            end = index;
            break;
        }
        offset += height;
    }
    let total: f64 = heights.iter().map(|h| h.unwrap_or(ESTIMATED_PX)).sum();
    let rendered: f64 = heights
        .get(start..end)
        .unwrap_or_default()
        .iter()
        .map(|h| h.unwrap_or(ESTIMATED_PX))
        .sum();
    Window {
        start: start.min(end),
        end,
        before_px,
        after_px: (total - before_px - rendered).max(0.0),
    }
}

/// How far a pull-to-refresh gesture has gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pull {
    Idle,
    Pulling,
    /// Far enough: letting go refreshes.
    Armed,
}

/// Pixels of pull that arm a refresh.
pub const PULL_ARM_PX: f64 = 72.0;

pub fn pull(distance_px: f64) -> Pull {
    if distance_px >= PULL_ARM_PX {
        Pull::Armed
    } else if distance_px > 8.0 {
        Pull::Pulling
    } else {
        Pull::Idle
    }
}
