namespace Warden.Core.Policy.Expressions;

/// <summary>A parsed CEL expression node. <see cref="Position"/> is the 0-based offset in the source.</summary>
internal abstract record CelNode(int Position);

internal sealed record CelLiteral(int Position, object? Value) : CelNode(Position);

internal sealed record CelIdent(int Position, string Name) : CelNode(Position);

internal sealed record CelSelect(int Position, CelNode Operand, string Field) : CelNode(Position);

internal sealed record CelIndex(int Position, CelNode Operand, CelNode Key) : CelNode(Position);

internal sealed record CelCall(int Position, CelNode? Target, string Function, IReadOnlyList<CelNode> Args) : CelNode(Position);

internal sealed record CelUnary(int Position, string Op, CelNode Operand) : CelNode(Position);

internal sealed record CelBinary(int Position, string Op, CelNode Left, CelNode Right) : CelNode(Position);

internal sealed record CelConditional(int Position, CelNode Condition, CelNode Then, CelNode Else) : CelNode(Position);

internal sealed record CelList(int Position, IReadOnlyList<CelNode> Items) : CelNode(Position);
