using System.Collections.Immutable;
using CnnArch.Layers;

namespace CnnArch.Analysis;

/// <summary>
/// What one layer costs in a convention: multiply-adds (one multiply and one add = 1) and FLOPs
/// (each arithmetic operation = 1). Both per sample.
/// </summary>
/// <param name="Macs">Multiply-accumulates.</param>
/// <param name="Flops">Floating-point operations.</param>
public readonly record struct OpCount(long Macs, long Flops)
{
    /// <summary>Nothing.</summary>
    public static OpCount Zero { get; } = default;

    /// <summary><paramref name="macs"/> multiply-adds, each two FLOPs.</summary>
    public static OpCount FromMacs(long macs) => new(macs, checked(2 * macs));

    /// <summary>Operations that are no multiply-adds (comparisons, additions): FLOPs only.</summary>
    public static OpCount FromFlops(long flops) => new(0, flops);

    /// <summary>The sum of two counts.</summary>
    public static OpCount operator +(OpCount a, OpCount b) => new(checked(a.Macs + b.Macs), checked(a.Flops + b.Flops));
}

/// <summary>The shapes a cost rule sees: the layer's inputs and output, one sample.</summary>
/// <param name="Inputs">Input shapes, in order.</param>
/// <param name="Output">Output shape.</param>
public readonly record struct CostContext(IReadOnlyList<TensorShape> Inputs, TensorShape Output)
{
    /// <summary>The first input.</summary>
    public TensorShape Input => Inputs[0];
}

/// <summary>A counting rule for one layer kind: a small pure function of the layer and its shapes.</summary>
public delegate OpCount CostRule<in TLayer>(TLayer layer, CostContext shapes) where TLayer : Layer;

/// <summary>
/// A counting convention: a name, the sentence that states it, and an immutable table from layer
/// type to rule. A layer whose type (or nearest base type) has no rule is reported as uncounted,
/// never silently zero. Derive variants with <see cref="With{TLayer}"/> and <see cref="Ignoring{TLayer}"/>.
/// </summary>
public sealed class CostModel
{
    private readonly ImmutableDictionary<Type, Func<Layer, CostContext, OpCount>> _rules;

    private CostModel(string name, string statement, ImmutableDictionary<Type, Func<Layer, CostContext, OpCount>> rules, ImmutableHashSet<Type> ignored)
    {
        Name = name;
        Statement = statement;
        _rules = rules;
        Ignored = ignored;
    }

    /// <summary>The convention's name: lecture, torchvision.</summary>
    public string Name { get; }

    /// <summary>One sentence that says what is counted, printed beside every number.</summary>
    public string Statement { get; }

    /// <summary>Layer types whose rule was explicitly replaced by "count nothing".</summary>
    public ImmutableHashSet<Type> Ignored { get; }

    /// <summary>Layer types that have a rule.</summary>
    public IEnumerable<Type> RuleTypes => _rules.Keys;

    /// <summary>An empty convention; add rules with <see cref="With{TLayer}"/>.</summary>
    public static CostModel Create(string name, string statement) =>
        new(Guard.Name(name, nameof(name)), Guard.Name(statement, nameof(statement)), ImmutableDictionary<Type, Func<Layer, CostContext, OpCount>>.Empty, []);

    /// <summary>A copy in which <typeparamref name="TLayer"/> (and its subtypes without a rule of their own) count by <paramref name="rule"/>.</summary>
    public CostModel With<TLayer>(CostRule<TLayer> rule) where TLayer : Layer
    {
        ArgumentNullException.ThrowIfNull(rule);
        return new(Name, Statement, _rules.SetItem(typeof(TLayer), (layer, shapes) => rule((TLayer)layer, shapes)), Ignored.Remove(typeof(TLayer)));
    }

    /// <summary>A copy in which <typeparamref name="TLayer"/> counts nothing, recorded as ignored (BatchNorm folded at inference).</summary>
    public CostModel Ignoring<TLayer>() where TLayer : Layer => Ignoring(typeof(TLayer));

    /// <summary>A copy in which <paramref name="layerType"/> counts nothing, recorded as ignored.</summary>
    public CostModel Ignoring(Type layerType)
    {
        ArgumentNullException.ThrowIfNull(layerType);
        if (!typeof(Layer).IsAssignableFrom(layerType))
        {
            throw new ArgumentException($"{layerType.Name} is not a layer type.", nameof(layerType));
        }

        return new(Name, Statement, _rules.SetItem(layerType, static (_, _) => OpCount.Zero), Ignored.Add(layerType));
    }

    /// <summary>
    /// A copy in which each of <paramref name="layerTypes"/> (layer types or families) counts nothing
    /// because it does no arithmetic the convention counts: an explicit zero, not recorded as ignored.
    /// </summary>
    /// <exception cref="ArgumentException">A type is not a layer type.</exception>
    public CostModel CountingNothing(IEnumerable<Type> layerTypes)
    {
        ArgumentNullException.ThrowIfNull(layerTypes);
        var rules = _rules.ToBuilder();
        foreach (var type in layerTypes)
        {
            if (!typeof(Layer).IsAssignableFrom(type))
            {
                throw new ArgumentException($"{type.Name} is not a layer type.", nameof(layerTypes));
            }

            rules[type] = static (_, _) => OpCount.Zero;
        }

        return new(Name, Statement, rules.ToImmutable(), Ignored);
    }

    /// <summary>A copy under another name and statement (a derived convention should say what it changed).</summary>
    public CostModel Named(string name, string statement) =>
        new(Guard.Name(name, nameof(name)), Guard.Name(statement, nameof(statement)), _rules, Ignored);

    /// <summary>True when some rule applies to <paramref name="layerType"/> or a base type of it.</summary>
    public bool HasRule(Type layerType) => Find(layerType) is not null;

    /// <summary>The cost of <paramref name="layer"/>, or null when no rule covers its type.</summary>
    public OpCount? Count(Layer layer, CostContext shapes)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return Find(layer.GetType()) is { } rule ? rule(layer, shapes) : null;
    }

    // The rule of each concrete type, found once: a layer's own type, else its nearest family with a rule.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Func<Layer, CostContext, OpCount>?> _resolved = new();

    private Func<Layer, CostContext, OpCount>? Find(Type type) => _resolved.GetOrAdd(type, static (t, self) => self.FindUncached(t), this);

    private Func<Layer, CostContext, OpCount>? FindUncached(Type type)
    {
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            if (_rules.TryGetValue(t, out var rule))
            {
                return rule;
            }
        }

        return null;
    }

    /// <summary>The statement, followed by the kinds explicitly ignored, if any: the line every report prints.</summary>
    public string Describe() => Ignored.IsEmpty
        ? Statement
        : $"{Statement} Ignored: {string.Join(", ", Ignored.Select(Conventions.KindOf).Order(StringComparer.Ordinal))}.";

    /// <summary>The name.</summary>
    public override string ToString() => Name;
}
