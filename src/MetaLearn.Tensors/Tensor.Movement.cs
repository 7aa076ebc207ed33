using MetaLearn.Tensors.Ops;

namespace MetaLearn.Tensors;

public sealed partial class Tensor
{
    /// <summary>Same values in a new shape (one dimension may be -1 to infer it). Shares storage: no copy.</summary>
    public Tensor Reshape(params int[] shape)
    {
        int[] resolved = (int[])shape.Clone();
        int infer = -1, known = 1;
        for (int d = 0; d < resolved.Length; d++)
        {
            if (resolved[d] == -1 && infer < 0)
            {
                infer = d;
            }
            else if (resolved[d] < 0)
            {
                throw new ArgumentException($"reshape: invalid target shape {Shapes.Format(shape)}; only one dimension may be -1 and none may be negative.");
            }
            else
            {
                known *= resolved[d];
            }
        }
        if (infer >= 0)
        {
            if (known == 0 || Count % known != 0)
            {
                throw new ArgumentException($"reshape: cannot infer the -1 in {Shapes.Format(shape)} for {Count} elements (shape {Shapes.Format(_shape)}).");
            }
            resolved[infer] = Count / known;
        }
        if (Shapes.Size(resolved) != Count)
        {
            throw new ArgumentException($"reshape: shape {Shapes.Format(_shape)} ({Count} elements) cannot become {Shapes.Format(shape)} ({Shapes.Size(resolved)} elements).");
        }
        return Shapes.Equal(resolved, _shape) ? this : Ops.Reshape.Apply(this, resolved);
    }

    /// <summary>
    /// Reshape for internal callers that pass a shape array they already own and will never mutate (another
    /// tensor's shape, a shape computed for this call): no clone, no -1 resolution. Gradient rules call this
    /// on every backward step, where the public method's defensive copy showed up in profiles.
    /// </summary>
    internal Tensor ReshapeOwned(int[] shape)
    {
        System.Diagnostics.Debug.Assert(Shapes.Size(shape) == Count, "ReshapeOwned: element count changes");
        return Shapes.Equal(shape, _shape) ? this : Ops.Reshape.Apply(this, shape);
    }

    /// <summary>Expand for internal callers that own <paramref name="shape"/>, already a valid broadcast target (see <see cref="ReshapeOwned"/>).</summary>
    internal Tensor ExpandOwned(int[] shape) => Shapes.Equal(shape, _shape) ? this : Ops.Expand.Apply(this, shape);

    /// <summary>Flattens dimensions <paramref name="startDim"/>..end into one.</summary>
    public Tensor Flatten(int startDim = 0)
    {
        int start = Shapes.NormalizeDim("flatten", startDim, Math.Max(Rank, 1));
        return Reshape([.. _shape[..start], -1]);
    }

    /// <summary>Reorders dimensions: result dimension d is input dimension <paramref name="perm"/>[d].</summary>
    public Tensor Permute(params int[] perm)
    {
        if (perm.Length != Rank)
        {
            throw new ArgumentException($"permute: {perm.Length} dimensions given for a tensor of rank {Rank} (shape {Shapes.Format(_shape)}).");
        }
        int[] normalized = NormalizeDims("permute", perm);
        bool identity = true;
        for (int d = 0; d < normalized.Length; d++)
        {
            identity &= normalized[d] == d;
        }
        return identity ? this : Ops.Permute.Apply(this, normalized);
    }

    /// <summary>Swaps two dimensions.</summary>
    public Tensor Transpose(int dim0, int dim1)
    {
        int a = Shapes.NormalizeDim("transpose", dim0, Rank), b = Shapes.NormalizeDim("transpose", dim1, Rank);
        int[] perm = Enumerable.Range(0, Rank).ToArray();
        (perm[a], perm[b]) = (perm[b], perm[a]);
        return Permute(perm);
    }

    /// <summary>Transpose of a matrix (rank 2), or of the last two dimensions of a batch.</summary>
    public Tensor T => Transpose(-2, -1);

    /// <summary>Broadcasts to <paramref name="shape"/>: new leading dimensions may be added and size-1 dimensions repeated.</summary>
    public Tensor Expand(params int[] shape)
    {
        if (shape.Length < Rank)
        {
            throw new ArgumentException($"expand: target {Shapes.Format(shape)} has fewer dimensions than the tensor {Shapes.Format(_shape)}.");
        }
        int lead = shape.Length - Rank;
        for (int d = 0; d < Rank; d++)
        {
            if (_shape[d] != shape[lead + d] && _shape[d] != 1)
            {
                throw new ArgumentException(
                    $"expand: dimension {d} of {Shapes.Format(_shape)} has size {_shape[d]} and cannot be expanded to {shape[lead + d]} (target {Shapes.Format(shape)}); only size-1 dimensions expand.");
            }
        }
        return Shapes.Equal(shape, _shape) ? this : Ops.Expand.Apply(this, (int[])shape.Clone());
    }

    /// <summary>Inserts a size-1 dimension at <paramref name="dim"/>.</summary>
    public Tensor Unsqueeze(int dim)
    {
        int d = Shapes.NormalizeDim("unsqueeze", dim, Rank + 1);
        return Reshape([.. _shape[..d], 1, .. _shape[d..]]);
    }

    /// <summary>Removes a size-1 dimension.</summary>
    public Tensor Squeeze(int dim)
    {
        int d = Shapes.NormalizeDim("squeeze", dim, Rank);
        if (_shape[d] != 1)
        {
            throw new ArgumentException($"squeeze: dimension {dim} of {Shapes.Format(_shape)} has size {_shape[d]}, not 1.");
        }
        return Reshape([.. _shape[..d], .. _shape[(d + 1)..]]);
    }

    /// <summary>Elements <paramref name="start"/>..<paramref name="start"/>+<paramref name="length"/> along <paramref name="dim"/> (like <c>torch.narrow</c>).</summary>
    public Tensor Slice(int dim, int start, int length)
    {
        int d = Shapes.NormalizeDim("slice", dim, Rank);
        if (start < 0 || length < 0 || start + length > _shape[d])
        {
            throw new ArgumentOutOfRangeException(nameof(start),
                $"slice: [{start}, {start + length}) is outside dimension {dim} of size {_shape[d]} (shape {Shapes.Format(_shape)}).");
        }
        return start == 0 && length == _shape[d] ? this : Ops.Slice.Apply(this, d, start, length);
    }

    /// <summary>Joins tensors along an existing dimension; all other dimensions must match.</summary>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0)
        {
            throw new ArgumentException("concat: no tensors given.");
        }
        Tensor first = tensors[0];
        int d = Shapes.NormalizeDim("concat", dim, first.Rank);
        for (int i = 1; i < tensors.Count; i++)
        {
            Tensor t = tensors[i];
            first.CheckSameDType("concat", t);
            bool ok = t.Rank == first.Rank;
            for (int k = 0; ok && k < t.Rank; k++)
            {
                ok = k == d || t._shape[k] == first._shape[k];
            }
            if (!ok)
            {
                throw new ArgumentException(
                    $"concat: tensor {i} has shape {Shapes.Format(t._shape)} but tensor 0 has {Shapes.Format(first._shape)}; all dimensions except {dim} must match.");
            }
        }
        return tensors.Count == 1 ? first : Ops.Concat.Apply(tensors.ToArray(), d);
    }

    /// <summary>Joins equally shaped tensors along a new dimension.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0)
        {
            throw new ArgumentException("stack: no tensors given.");
        }
        foreach (Tensor t in tensors)
        {
            if (!Shapes.Equal(t._shape, tensors[0]._shape))
            {
                throw new ArgumentException($"stack: shapes differ ({Shapes.Format(tensors[0]._shape)} vs {Shapes.Format(t._shape)}); every tensor must have the same shape.");
            }
        }
        return Concat(tensors.Select(t => t.Unsqueeze(dim)).ToArray(), dim);
    }

    /// <summary>Rows (or slices along <paramref name="dim"/>) picked by <paramref name="indices"/>, repeats allowed (like <c>torch.index_select</c>).</summary>
    public Tensor IndexSelect(int dim, params int[] indices)
    {
        int d = Shapes.NormalizeDim("index_select", dim, Rank);
        CheckIndices("index_select", indices, _shape[d], d);
        (int outer, _, int inner) = Shapes.Split(_shape, d);
        int m = indices.Length;
        var index = new int[outer * m * inner];
        for (int o = 0; o < outer; o++)
        {
            for (int j = 0; j < m; j++)
            {
                index.AsSpan((o * m + j) * inner, inner).Fill(indices[j]);
            }
        }
        int[] shape = _shape.ToArray();
        shape[d] = m;
        return Ops.Gather.Apply(this, d, Positions.Of(index), shape);
    }

    /// <summary>
    /// <c>torch.gather</c>: <c>out[i][j][k] = x[i][index[i][j][k]][k]</c> for <paramref name="dim"/> = 1.
    /// <paramref name="indexShape"/> must equal this shape except along <paramref name="dim"/>.
    /// </summary>
    public Tensor Gather(int dim, int[] index, params int[] indexShape)
    {
        int d = Shapes.NormalizeDim("gather", dim, Rank);
        bool ok = indexShape.Length == Rank && Shapes.Size(indexShape) == index.Length;
        for (int k = 0; ok && k < Rank; k++)
        {
            ok = k == d || indexShape[k] == _shape[k];
        }
        if (!ok)
        {
            throw new ArgumentException(
                $"gather: index of shape {Shapes.Format(indexShape)} with {index.Length} values does not fit source {Shapes.Format(_shape)} along dimension {dim}; " +
                "the index must have the source's shape except along dim.");
        }
        CheckIndices("gather", index, _shape[d], d);
        return Ops.Gather.Apply(this, d, Positions.Of((int[])index.Clone()), (int[])indexShape.Clone());
    }

    private static void CheckIndices(string op, int[] indices, int size, int dim)
    {
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)size)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), $"{op}: index {indices[i]} (position {i}) is out of range for dimension {dim} of size {size}.");
            }
        }
    }

    /// <summary>Matrix product with broadcast batch dimensions: <c>[..., m, k] @ [..., k, n]</c>.</summary>
    public Tensor MatMul(Tensor other) => Ops.MatMul.Apply(this, other);
}
