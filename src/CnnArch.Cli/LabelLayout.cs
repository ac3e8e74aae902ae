using ScottPlot;

namespace CnnArch.Cli;

/// <summary>
/// Places chart labels so that no two overlap: each label tries positions around its point (right,
/// left, above, below, then further out) and takes the first that overlaps no label placed before it,
/// covers no other point's bubble centre, and stays inside the data area (where no such spot exists,
/// the first that only avoids the labels). Labels are placed from the most crowded point outwards.
/// </summary>
internal static class LabelLayout
{
    public static PixelRect[] Place(IReadOnlyList<(float X, float Y)> anchors, IReadOnlyList<(float Width, float Height)> sizes, IReadOnlyList<float> radii, PixelRect area)
    {
        var placed = new PixelRect?[anchors.Count];
        // Crowded points first: the ones with most neighbours within 80 px choose before the rest.
        var order = Enumerable.Range(0, anchors.Count)
            .OrderByDescending(i => anchors.Count(a => Math.Abs(a.X - anchors[i].X) < 80 && Math.Abs(a.Y - anchors[i].Y) < 80))
            .ThenBy(i => anchors[i].X)
            .ToList();
        foreach (var i in order)
        {
            var (x, y) = anchors[i];
            var (w, h) = sizes[i];
            var best = Free(i, anchors, radii, placed, w, h, area, avoidBubbles: true) ?? Free(i, anchors, radii, placed, w, h, area, avoidBubbles: false);

            // Nowhere free: the default spot, right of the point.
            placed[i] = best ?? new PixelRect(x + radii[i], x + radii[i] + w, y + h, y);
        }

        return [.. placed.Select(p => p!.Value)];
    }

    // The first spot around point i, ring by ring, inside the area and clear of the labels placed so far
    // (and of every other bubble's centre, a square of up to 6 px each way, when avoidBubbles).
    private static PixelRect? Free(int i, IReadOnlyList<(float X, float Y)> anchors, IReadOnlyList<float> radii, PixelRect?[] placed, float w, float h, PixelRect area, bool avoidBubbles)
    {
        var (x, y) = anchors[i];
        for (var ring = 0; ring < 40; ring++)
        {
            var gap = radii[i] * 0.7f + 2 + (ring * 9);
            foreach (var (dx, dy) in Candidates(w, h, gap))
            {
                var box = new PixelRect(x + dx, x + dx + w, y + dy + h, y + dy);
                if (Inside(box, area) && placed.All(p => p is null || !Overlaps(p.Value, box))
                    && (!avoidBubbles || !Enumerable.Range(0, anchors.Count).Any(k => k != i && Overlaps(Core(anchors[k], radii[k]), box))))
                {
                    return box;
                }
            }
        }

        return null;
    }

    /// <summary>The centre of a bubble a label must not cover: up to 6 px each way of its point.</summary>
    public static PixelRect Core((float X, float Y) anchor, float radius)
    {
        var r = Math.Min(radius, 6f);
        return new PixelRect(anchor.X - r, anchor.X + r, anchor.Y + r, anchor.Y - r);
    }

    // Offsets of the box's top-left corner from the point.
    private static IEnumerable<(float Dx, float Dy)> Candidates(float w, float h, float gap)
    {
        yield return (gap, -h - (gap / 2));        // right, above
        yield return (gap, gap / 2);               // right, below
        yield return (-gap - w, -h - (gap / 2));   // left, above
        yield return (-gap - w, gap / 2);          // left, below
        yield return (-w / 2, -h - gap);           // above
        yield return (-w / 2, gap);                // below
        yield return (gap, -h / 2);                // right
        yield return (-gap - w, -h / 2);           // left
    }

    public static bool Overlaps(PixelRect a, PixelRect b) =>
        a.Left < b.Right && b.Left < a.Right && a.Top < b.Bottom && b.Top < a.Bottom;

    private static bool Inside(PixelRect box, PixelRect area) =>
        box.Left >= area.Left && box.Right <= area.Right && box.Top >= area.Top && box.Bottom <= area.Bottom;
}
