using HyperdOrleans.Engine.Fields;

namespace HyperdOrleans.Engine.Filters;

/// <summary>
/// A <see cref="Filter"/> compiled against one bucket generation's <see cref="BucketFields"/>: string and tag constants
/// are resolved to dictionary codes once (a constant no row holds makes its comparison false without a scan), ranges
/// become inclusive bounds over the raw column values, and constant branches fold away. <see cref="Evaluate"/> then
/// runs each leaf as a tight loop over its column, or sets the bits of a posting list, and combines the bitmaps.
/// Immutable; thread-safe (each evaluation allocates its own bitmaps).
/// </summary>
public sealed class CompiledFilter
{
    private readonly Node _root;
    private readonly long _rows;

    private CompiledFilter(Node root, long rows)
    {
        _root = root;
        _rows = rows;
    }

    /// <summary>Whether the filter keeps every row (true), none (false), or depends on the rows (null), known without a scan.</summary>
    public bool? Constant => (_root as ConstantNode)?.Value;

    public static CompiledFilter Compile(Filter filter, BucketFields fields)
    {
        FilterValidator.Validate(filter, fields.Schema);
        return new CompiledFilter(Build(filter, fields), fields.Count);
    }

    /// <summary>The rows of the bucket the filter keeps.</summary>
    public RowBitmap Evaluate()
    {
        var bitmap = new RowBitmap(_rows);
        _root.Into(bitmap);
        return bitmap;
    }

    private static Node Build(Filter filter, BucketFields fields) => filter switch
    {
        AndFilter and => Combine(Build(and.Left, fields), Build(and.Right, fields), isAnd: true),
        OrFilter or => Combine(Build(or.Left, fields), Build(or.Right, fields), isAnd: false),
        NotFilter not => Negate(Build(not.Operand, fields)),
        EqualFilter equal => Equal(fields, fields.Schema.IndexOf(equal.Field), equal.Value),
        NotEqualFilter notEqual => Negate(Equal(fields, fields.Schema.IndexOf(notEqual.Field), notEqual.Value)),
        RangeFilter range => Range(fields, fields.Schema.IndexOf(range.Field), range.Operator, range.Value),
        TagContainsFilter contains => Posting(fields, fields.Schema.IndexOf(contains.Field), contains.Tag),
        _ => throw new ArgumentException($"filter {filter.GetType().Name} is not supported.", nameof(filter)),
    };

    private static Node Equal(BucketFields fields, int f, object? value)
    {
        FieldType type = fields.Schema.Fields[f].Type;
        object? constant = FieldValues.Normalize(fields.Schema.Fields[f], value, "filter");
        return type switch
        {
            FieldType.String when constant is string s => Posting(fields, f, s),
            FieldType.String => new IntRangeNode(fields, f, -1, -1),
            FieldType.Long when constant is long l => LongRange(fields, f, l, l),
            FieldType.Long => LongRange(fields, f, FieldValues.MissingLong, FieldValues.MissingLong),
            FieldType.DateTime => constant is DateTimeOffset t
                ? LongRange(fields, f, t.UtcTicks, t.UtcTicks)
                : LongRange(fields, f, FieldValues.MissingLong, FieldValues.MissingLong),
            FieldType.Double when constant is double x => new DoubleRangeNode(fields, f, x, x),
            FieldType.Double => new MissingDoubleNode(fields, f),
            FieldType.Bool => new BoolNode(fields, f, constant is bool b ? (b ? (byte)1 : (byte)0) : FieldsFile.MissingBool),
            _ => throw new ArgumentException($"field '{fields.Schema.Fields[f].Name}' ({type}) cannot be compared for equality.", "filter"),
        };
    }

    private static Node Range(BucketFields fields, int f, RangeOperator op, object value)
    {
        object constant = FieldValues.Normalize(fields.Schema.Fields[f], value, "filter")!;
        if (constant is double x)
        {
            return op switch
            {
                RangeOperator.GreaterThan => x == double.PositiveInfinity ? ConstantNode.False : DoubleRange(fields, f, Math.BitIncrement(x), Top),
                RangeOperator.GreaterThanOrEqual => DoubleRange(fields, f, x, Top),
                RangeOperator.LessThan => x == Bottom ? ConstantNode.False : DoubleRange(fields, f, Bottom, Math.BitDecrement(x)),
                _ => DoubleRange(fields, f, Bottom, x),
            };
        }

        // Longs and instants: inclusive bounds that leave out the missing value, long.MinValue.
        long v = constant is DateTimeOffset t ? t.UtcTicks : (long)constant;
        const long Lowest = FieldValues.MissingLong + 1;
        return op switch
        {
            RangeOperator.GreaterThan => v == long.MaxValue ? ConstantNode.False : LongRange(fields, f, Math.Max(v + 1, Lowest), long.MaxValue),
            RangeOperator.GreaterThanOrEqual => LongRange(fields, f, Math.Max(v, Lowest), long.MaxValue),
            RangeOperator.LessThan => v <= Lowest ? ConstantNode.False : LongRange(fields, f, Lowest, v - 1),
            _ => v < Lowest ? ConstantNode.False : LongRange(fields, f, Lowest, v),
        };
    }

    private const double Top = double.PositiveInfinity;
    private const double Bottom = double.NegativeInfinity;

    private static Node DoubleRange(BucketFields fields, int f, double low, double high) => new DoubleRangeNode(fields, f, low, high);

    private static Node LongRange(BucketFields fields, int f, long low, long high) => new LongRangeNode(fields, f, low, high);

    private static Node Posting(BucketFields fields, int f, string value)
    {
        int code = fields.Lookup(f, value);
        return code < 0 ? ConstantNode.False : new PostingNode(fields, f, code);
    }

    private static Node Negate(Node node) => node is ConstantNode c ? (c.Value ? ConstantNode.False : ConstantNode.True) : new NotNode(node);

    private static Node Combine(Node left, Node right, bool isAnd)
    {
        // A constant that decides the result wins; a neutral one drops out.
        foreach ((Node one, Node other) in new[] { (left, right), (right, left) })
        {
            if (one is ConstantNode c)
            {
                return c.Value == isAnd ? other : c;
            }
        }

        return new CombineNode(left, right, isAnd);
    }

    private abstract class Node
    {
        public abstract void Into(RowBitmap into);
    }

    private sealed class ConstantNode(bool value) : Node
    {
        public static readonly ConstantNode True = new(true);
        public static readonly ConstantNode False = new(false);

        public bool Value => value;

        public override void Into(RowBitmap into)
        {
            if (value)
            {
                into.SetAll();
            }
            else
            {
                into.Clear();
            }
        }
    }

    private sealed class LongRangeNode(BucketFields fields, int field, long low, long high) : Node
    {
        public override void Into(RowBitmap into) => RangeKernel.Into(fields.Longs(field), low, high, into);
    }

    private sealed class DoubleRangeNode(BucketFields fields, int field, double low, double high) : Node
    {
        public override void Into(RowBitmap into) => RangeKernel.Into(fields.Doubles(field), low, high, into);
    }

    private sealed class IntRangeNode(BucketFields fields, int field, int low, int high) : Node
    {
        public override void Into(RowBitmap into) => RangeKernel.Into(fields.Codes(field), low, high, into);
    }

    private sealed class BoolNode(BucketFields fields, int field, byte value) : Node
    {
        public override void Into(RowBitmap into) => RangeKernel.Into(fields.Bools(field), value, value, into);
    }

    private sealed class MissingDoubleNode(BucketFields fields, int field) : Node
    {
        public override void Into(RowBitmap into) => RangeKernel.NaNInto(fields.Doubles(field), into);
    }

    /// <summary>Equality on a dictionary value: only its rows are touched, however many rows the bucket has.</summary>
    private sealed class PostingNode(BucketFields fields, int field, int code) : Node
    {
        public override void Into(RowBitmap into)
        {
            into.Clear();
            into.SetRows(fields.Postings(field, code));
        }
    }

    private sealed class NotNode(Node operand) : Node
    {
        public override void Into(RowBitmap into)
        {
            operand.Into(into);
            into.Not();
        }
    }

    private sealed class CombineNode(Node left, Node right, bool isAnd) : Node
    {
        public override void Into(RowBitmap into)
        {
            left.Into(into);
            var other = new RowBitmap(into.Count);
            right.Into(other);
            if (isAnd)
            {
                into.And(other);
            }
            else
            {
                into.Or(other);
            }
        }
    }
}
