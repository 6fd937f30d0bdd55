using System.Collections;
using System.Linq.Expressions;
using HyperdOrleans.Abstractions;
using Microsoft.Extensions.VectorData.ProviderServices;
using Microsoft.Extensions.VectorData.ProviderServices.Filter;

namespace HyperdOrleans.VectorData;

/// <summary>
/// Translates a LINQ filter over records into the index's <see cref="FieldFilter"/> tree, which the buckets apply inside their scans:
/// nothing is ever evaluated on the client. The abstraction's preprocessor first inlines captured variables as constants and
/// rewrites <c>MemoryExtensions.Contains</c> (C# 14 spans); anything left that has no <see cref="FieldFilter"/> counterpart throws
/// <see cref="NotSupportedException"/> naming it. Single-use, not thread-safe (the base keeps the model being translated).
/// </summary>
internal sealed class HyperdFilterTranslator : FilterTranslatorBase
{
    /// <summary>The filter of <paramref name="lambda"/>; null when it keeps every record (<c>r =&gt; true</c>).</summary>
    public FieldFilter? Translate(LambdaExpression lambda, CollectionModel model)
    {
        Expression body = PreprocessFilter(lambda, model, new FilterPreprocessingOptions());
        return body is ConstantExpression { Value: true } ? null : Translate(body);
    }

    private FieldFilter Translate(Expression node) => node switch
    {
        BinaryExpression { NodeType: ExpressionType.Equal or ExpressionType.NotEqual } b => Equality(b),
        BinaryExpression { NodeType: ExpressionType.LessThan or ExpressionType.LessThanOrEqual
            or ExpressionType.GreaterThan or ExpressionType.GreaterThanOrEqual } b => Comparison(b),
        BinaryExpression { NodeType: ExpressionType.AndAlso } b => new FilterAnd(Translate(b.Left), Translate(b.Right)),
        BinaryExpression { NodeType: ExpressionType.OrElse } b => new FilterOr(Translate(b.Left), Translate(b.Right)),
        UnaryExpression { NodeType: ExpressionType.Not } u => new FilterNot(Translate(u.Operand)),

        // r => r.Active: a bool property on its own.
        _ when node.Type == typeof(bool) && TryBindField(node, out DataPropertyModel? flag) => new FieldEqual(flag.StorageName, true),
        MethodCallExpression call when TryMatchContains(call, out Expression? source, out Expression? item) => Contains(call, source, item),
        _ => throw Unsupported(node),
    };

    private FieldFilter Equality(BinaryExpression node)
    {
        (DataPropertyModel field, object? value) = FieldAndConstant(node, node.Left, node.Right)
            ?? FieldAndConstant(node, node.Right, node.Left)
            ?? throw Unsupported(node, "an equality needs a data property on one side and a constant or captured variable on the other");
        return node.NodeType == ExpressionType.Equal ? new FieldEqual(field.StorageName, value) : new FieldNotEqual(field.StorageName, value);
    }

    private FieldFilter Comparison(BinaryExpression node)
    {
        FieldRangeOperator op = node.NodeType switch
        {
            ExpressionType.LessThan => FieldRangeOperator.LessThan,
            ExpressionType.LessThanOrEqual => FieldRangeOperator.LessThanOrEqual,
            ExpressionType.GreaterThan => FieldRangeOperator.GreaterThan,
            _ => FieldRangeOperator.GreaterThanOrEqual,
        };
        if (FieldAndConstant(node, node.Left, node.Right) is var (field, value))
        {
            return new FieldRange(field.StorageName, op, value ?? throw Unsupported(node, "a range needs a value, not null"));
        }

        // 5 < r.Band is r.Band > 5.
        if (FieldAndConstant(node, node.Right, node.Left) is var (flipped, constant))
        {
            FieldRangeOperator mirrored = op switch
            {
                FieldRangeOperator.LessThan => FieldRangeOperator.GreaterThan,
                FieldRangeOperator.LessThanOrEqual => FieldRangeOperator.GreaterThanOrEqual,
                FieldRangeOperator.GreaterThan => FieldRangeOperator.LessThan,
                _ => FieldRangeOperator.LessThanOrEqual,
            };
            return new FieldRange(flipped.StorageName, mirrored, constant ?? throw Unsupported(node, "a range needs a value, not null"));
        }

        throw Unsupported(node, "a comparison needs a data property on one side and a constant or captured variable on the other");
    }

    private FieldFilter Contains(Expression call, Expression source, Expression item)
    {
        // r.Tags.Contains("x"), also as MemoryExtensions.Contains over the array's span.
        if (TryBindField(source, out DataPropertyModel? tags) && Constant(item) is { } found)
        {
            return FieldMapping.FieldType(tags.Type) == Abstractions.DataFieldType.StringList && found.Value is string tag
                ? new FieldTagContains(tags.StorageName, tag)
                : throw Unsupported(call, "Contains over a property needs a string list property and a string");
        }

        // new[] { "a", "b" }.Contains(r.Category): one equality per value.
        if (Constant(source) is { Value: IEnumerable values and not string } && TryBindField(item, out DataPropertyModel? field))
        {
            FieldFilter[] equals = [.. values.Cast<object?>().Select(v => (FieldFilter)new FieldEqual(field.StorageName, FieldMapping.ToStored(v)))];
            return equals.Length == 0
                ? throw Unsupported(call, "Contains over an empty list keeps nothing; leave the search out instead")
                : equals.Aggregate((l, r) => new FilterOr(l, r));
        }

        throw Unsupported(call);
    }

    private (DataPropertyModel Field, object? Value)? FieldAndConstant(Expression node, Expression field, Expression constant)
    {
        if (!TryBindField(field, out DataPropertyModel? property) || Constant(constant) is not { } value)
        {
            return null;
        }

        if (FieldMapping.FieldType(property.Type) == Abstractions.DataFieldType.StringList)
        {
            throw Unsupported(node, $"'{property.ModelName}' is a string list: filter it with Contains");
        }

        return (property, FieldMapping.ToStored(value.Value));
    }

    /// <summary>A data property, seen through the conversions C# adds (int to long?, say); the key and vectors are not fields.</summary>
    private bool TryBindField(Expression expression, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DataPropertyModel? field)
    {
        while (expression is UnaryExpression { NodeType: ExpressionType.Convert } convert)
        {
            expression = convert.Operand;
        }

        field = null;
        if (!TryBindProperty(expression, out PropertyModel? property))
        {
            return false;
        }

        field = property as DataPropertyModel ?? throw new NotSupportedException(
            $"the filter uses '{property.ModelName}', which is the {(property is KeyPropertyModel ? "key" : "vector")}: HyperdOrleans filters "
            + "data properties only.");
        return true;
    }

    private static ConstantExpression? Constant(Expression expression)
    {
        while (expression is UnaryExpression { NodeType: ExpressionType.Convert } convert)
        {
            expression = convert.Operand;
        }

        return expression switch
        {
            ConstantExpression c => c,
            QueryParameterExpression p => Expression.Constant(p.Value, p.Type),
            _ => null,
        };
    }

    private static NotSupportedException Unsupported(Expression node, string? why = null) =>
        new($"HyperdOrleans cannot translate this part of the filter: {node} ({node.NodeType}){(why is null ? "" : $": {why}")}. "
            + "Filters are ==, !=, <, <=, >, >=, &&, ||, ! and bool properties over data properties, and Contains on a string list.");
}
