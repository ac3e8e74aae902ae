using System.Collections.Immutable;
using System.Text;

namespace CnnArch.Reporting;

/// <summary>
/// A report as text: lines and tables, in order. <see cref="ToString"/> lays it out as plain text
/// (tables with ASCII borders, rows never wrapped), which is what <c>cnnarch</c> writes to a file or a
/// pipe; a terminal front end may draw the same blocks with its own borders and colours.
/// </summary>
public sealed class TextDocument
{
    internal TextDocument(ImmutableArray<TextBlock> blocks) => Blocks = blocks;

    /// <summary>The lines and tables, in order.</summary>
    public ImmutableArray<TextBlock> Blocks { get; }

    /// <summary>The document as plain text, each line ending in '\n'.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var block in Blocks)
        {
            switch (block)
            {
                case TextLine line:
                    text.Append(line.Text).Append('\n');
                    break;
                case TextTable table:
                    table.AppendTo(text);
                    break;
            }
        }

        return text.ToString();
    }

    /// <summary>Builds a document block by block.</summary>
    internal sealed class Builder
    {
        private readonly ImmutableArray<TextBlock>.Builder _blocks = ImmutableArray.CreateBuilder<TextBlock>();

        public Builder Line(string text)
        {
            _blocks.Add(new TextLine(text));
            return this;
        }

        public Builder Lines(IEnumerable<string> lines)
        {
            foreach (var line in lines)
            {
                Line(line);
            }

            return this;
        }

        public Builder Blocks(IEnumerable<TextBlock> blocks)
        {
            _blocks.AddRange(blocks);
            return this;
        }

        public Builder Table(TextTable table)
        {
            _blocks.Add(table);
            return this;
        }

        public TextDocument Build() => new(_blocks.ToImmutable());
    }
}

/// <summary>One block of a <see cref="TextDocument"/>: a line or a table.</summary>
public abstract record TextBlock;

/// <summary>A line of text.</summary>
/// <param name="Text">The line, without its end.</param>
public sealed record TextLine(string Text) : TextBlock;

/// <summary>A table column: its header and whether its cells align right (numbers).</summary>
/// <param name="Header">The header.</param>
/// <param name="RightAligned">Whether cells align right.</param>
public sealed record TextColumn(string Header, bool RightAligned = false);

/// <summary>
/// A table: columns and rows of cells (a row of empty cells is a blank line). <see cref="TotalRow"/>,
/// when set, marks the row of totals a front end may emphasise.
/// </summary>
public sealed record TextTable : TextBlock
{
    /// <summary>A table of <paramref name="columns"/> and <paramref name="rows"/>; every row has a cell per column.</summary>
    /// <exception cref="ArgumentException">A row's cell count differs from the columns'.</exception>
    public TextTable(ImmutableArray<TextColumn> columns, ImmutableArray<ImmutableArray<string>> rows)
    {
        foreach (var row in rows)
        {
            if (row.Length != columns.Length)
            {
                throw new ArgumentException($"A row has {row.Length} cells for {columns.Length} columns.", nameof(rows));
            }
        }

        Columns = columns;
        Rows = rows;
    }

    /// <summary>The columns.</summary>
    public ImmutableArray<TextColumn> Columns { get; }

    /// <summary>The rows, each a cell per column.</summary>
    public ImmutableArray<ImmutableArray<string>> Rows { get; }

    /// <summary>The index of the row of totals, if any.</summary>
    public int? TotalRow { get; init; }

    /// <summary>The table alone, as <see cref="TextDocument.ToString"/> lays it out.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        AppendTo(text);
        return text.ToString();
    }

    // +-----------------+
    // | Layer  |   MACs |
    // |--------+--------|
    // | conv1  | 73.0 M |
    // +-----------------+
    internal void AppendTo(StringBuilder text)
    {
        var widths = new int[Columns.Length];
        for (var c = 0; c < widths.Length; c++)
        {
            widths[c] = Columns[c].Header.Length;
            foreach (var row in Rows)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }

        var inner = widths.Sum() + (3 * widths.Length) - 1;
        text.Append('+').Append('-', inner).Append("+\n");
        AppendRow(text, [.. Columns.Select(c => c.Header)], widths);
        text.Append("|-").Append(string.Join("-+-", widths.Select(w => new string('-', w)))).Append("-|\n");
        foreach (var row in Rows)
        {
            AppendRow(text, row, widths);
        }

        text.Append('+').Append('-', inner).Append("+\n");
    }

    private void AppendRow(StringBuilder text, ImmutableArray<string> cells, int[] widths)
    {
        text.Append("| ");
        for (var c = 0; c < cells.Length; c++)
        {
            if (c > 0)
            {
                text.Append(" | ");
            }

            var pad = widths[c] - cells[c].Length;
            if (Columns[c].RightAligned)
            {
                text.Append(' ', pad).Append(cells[c]);
            }
            else
            {
                text.Append(cells[c]).Append(' ', pad);
            }
        }

        text.Append(" |\n");
    }

    /// <summary>Builds a table row by row.</summary>
    internal sealed class Builder(params TextColumn[] columns)
    {
        private readonly ImmutableArray<ImmutableArray<string>>.Builder _rows = ImmutableArray.CreateBuilder<ImmutableArray<string>>();
        private int? _total;

        public Builder Row(params IEnumerable<string> cells)
        {
            _rows.Add([.. cells]);
            return this;
        }

        public Builder Blank() => Row(columns.Select(_ => string.Empty));

        public Builder Total(params IEnumerable<string> cells)
        {
            _total = _rows.Count;
            return Row(cells);
        }

        public TextTable Build() => new([.. columns], _rows.ToImmutable()) { TotalRow = _total };
    }
}
