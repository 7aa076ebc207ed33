using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using MetaLearn.Tensors;

namespace MetaLearn.NN;

/// <summary>The tensors and the <c>__metadata__</c> string map of a safetensors file.</summary>
/// <param name="Tensors">The tensors, in the order of their data in the file.</param>
/// <param name="Metadata">The free-form string map (empty when the file has none).</param>
public sealed record SafeTensorsContent(ParameterSet Tensors, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// The safetensors format (Hugging Face), so PyTorch users can open MetaLearn's files and vice versa: an 8-byte
/// little-endian header length N, N bytes of JSON (<c>{"name": {"dtype": "F32", "shape": [...], "data_offsets":
/// [begin, end]}, ..., "__metadata__": {string: string}}</c>, padded with spaces to a multiple of 8), then the raw
/// little-endian tensor data, offsets relative to the end of the header. Reads and writes F32 and F64.
/// </summary>
public static class SafeTensors
{
    private const string MetadataKey = "__metadata__";
    private const long MaxHeaderBytes = 100_000_000;

    /// <summary>Writes <paramref name="tensors"/> (their current values) and <paramref name="metadata"/> to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, ParameterSet tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        byte[] bytes = Serialize(tensors, metadata);
        AtomicFile.Write(path, s => s.Write(bytes));
    }

    /// <summary>The bytes of a safetensors file holding <paramref name="tensors"/> in order.</summary>
    public static byte[] Serialize(ParameterSet tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        using var header = new MemoryStream();
        long offset = 0;
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach ((string key, string value) in metadata)
                {
                    json.WriteString(key, value);
                }
                json.WriteEndObject();
            }
            foreach ((string name, Tensor t) in tensors)
            {
                if (name == MetadataKey)
                {
                    throw new ArgumentException($"SafeTensors: a tensor cannot be named '{MetadataKey}'; that key holds the metadata.");
                }
                long size = (long)t.Count * ElementSize(t.DType);
                json.WriteStartObject(name);
                json.WriteString("dtype", t.DType == DType.Float32 ? "F32" : "F64");
                json.WriteStartArray("shape");
                foreach (int d in t.Shape)
                {
                    json.WriteNumberValue(d);
                }
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + size);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += size;
            }
            json.WriteEndObject();
        }
        int padding = (int)(-header.Length & 7);
        for (int i = 0; i < padding; i++)
        {
            header.WriteByte((byte)' ');
        }
        var bytes = new byte[8 + header.Length + offset];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.ToArray().CopyTo(bytes, 8);
        int position = 8 + (int)header.Length;
        foreach (Tensor t in tensors.Tensors)
        {
            position += WriteData(t, bytes.AsSpan(position));
        }
        return bytes;
    }

    /// <summary>Reads a safetensors file. Truncated or corrupt files fail with an <see cref="InvalidDataException"/> naming the file and tensor.</summary>
    public static SafeTensorsContent Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Checkpoint file '{path}' does not exist.", path);
        }
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses the bytes of a safetensors file; <paramref name="source"/> (a file name) is used in error messages.</summary>
    public static SafeTensorsContent Parse(ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.Length < 8)
        {
            throw Corrupt(source, $"it is {bytes.Length} bytes long, shorter than the 8-byte header length every safetensors file starts with (truncated?)");
        }
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes || (long)headerLength > bytes.Length - 8)
        {
            throw Corrupt(source, $"the header length field says {headerLength} bytes but the file has only {bytes.Length - 8} bytes after it (truncated, or not a safetensors file)");
        }
        ReadOnlySpan<byte> data = bytes[(8 + (int)headerLength)..];
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes.Slice(8, (int)headerLength).ToArray());
        }
        catch (JsonException e)
        {
            throw Corrupt(source, $"the header is not valid JSON ({e.Message})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Corrupt(source, "the header is not a JSON object");
            }
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<(long Begin, string Name, Tensor Tensor)>();
            foreach (JsonProperty p in document.RootElement.EnumerateObject())
            {
                if (p.Name == MetadataKey)
                {
                    ReadMetadata(source, p.Value, metadata);
                    continue;
                }
                (long begin, Tensor t) = ReadTensor(source, p.Name, p.Value, data);
                entries.Add((begin, p.Name, t));
            }
            entries.Sort((a, b) => a.Begin.CompareTo(b.Begin));
            return new SafeTensorsContent(new ParameterSet(entries.Select(e => new KeyValuePair<string, Tensor>(e.Name, e.Tensor))), metadata);
        }
    }

    private static void ReadMetadata(string source, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Corrupt(source, $"'{MetadataKey}' must be an object of strings");
        }
        foreach (JsonProperty m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String)
            {
                throw Corrupt(source, $"metadata entry '{m.Name}' is a {m.Value.ValueKind}, but safetensors metadata values must be strings");
            }
            metadata[m.Name] = m.Value.GetString()!;
        }
    }

    private static (long Begin, Tensor Tensor) ReadTensor(string source, string name, JsonElement entry, ReadOnlySpan<byte> data)
    {
        if (entry.ValueKind != JsonValueKind.Object
            || !entry.TryGetProperty("dtype", out JsonElement dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String
            || !entry.TryGetProperty("shape", out JsonElement shapeElement) || shapeElement.ValueKind != JsonValueKind.Array
            || !entry.TryGetProperty("data_offsets", out JsonElement offsetsElement) || offsetsElement.ValueKind != JsonValueKind.Array
            || offsetsElement.GetArrayLength() != 2)
        {
            throw Corrupt(source, $"tensor '{name}' needs \"dtype\" (string), \"shape\" (array) and \"data_offsets\" ([begin, end]); found {entry.GetRawText()}");
        }
        string dtypeName = dtypeElement.GetString()!;
        DType dtype = dtypeName switch
        {
            "F32" => DType.Float32,
            "F64" => DType.Float64,
            _ => throw Corrupt(source, $"tensor '{name}' has dtype {dtypeName}; MetaLearn reads F32 and F64 (convert with tensor.float() before saving)"),
        };
        int[] shape;
        long begin, end;
        try
        {
            shape = shapeElement.EnumerateArray().Select(d => d.GetInt32()).ToArray();
            begin = offsetsElement[0].GetInt64();
            end = offsetsElement[1].GetInt64();
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw Corrupt(source, $"tensor '{name}' has a non-integer shape or data offset: {entry.GetRawText()}");
        }
        if (shape.Any(d => d < 0))
        {
            throw Corrupt(source, $"tensor '{name}' has a negative dimension in shape [{string.Join(", ", shape)}]");
        }
        long count = shape.Aggregate(1L, (a, d) => a * d);
        long expected = count * ElementSize(dtype);
        if (begin < 0 || end < begin || end - begin != expected)
        {
            throw Corrupt(source, $"tensor '{name}' ({dtypeName} [{string.Join(", ", shape)}]) needs {expected} bytes but its data_offsets [{begin}, {end}] span {end - begin}");
        }
        if (end > data.Length)
        {
            throw Corrupt(source, $"tensor '{name}' ({dtypeName} [{string.Join(", ", shape)}]) ends at data byte {end} but the file holds only {data.Length} data bytes (truncated?)");
        }
        ReadOnlySpan<byte> raw = data[(int)begin..(int)end];
        Tensor t = dtype == DType.Float32 ? Tensor.FromArray(ReadFloats(raw), shape) : Tensor.FromArray(ReadDoubles(raw), shape);
        return (begin, t);
    }

    private static float[] ReadFloats(ReadOnlySpan<byte> raw)
    {
        var values = new float[raw.Length / 4];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(4 * i)..]);
        }
        return values;
    }

    private static double[] ReadDoubles(ReadOnlySpan<byte> raw)
    {
        var values = new double[raw.Length / 8];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadDoubleLittleEndian(raw[(8 * i)..]);
        }
        return values;
    }

    private static int WriteData(Tensor t, Span<byte> destination)
    {
        if (t.DType == DType.Float32)
        {
            float[] values = t.ToFloatArray();
            if (BitConverter.IsLittleEndian)
            {
                MemoryMarshal.AsBytes(values.AsSpan()).CopyTo(destination);
            }
            else
            {
                for (int i = 0; i < values.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(destination[(4 * i)..], values[i]);
                }
            }
            return 4 * values.Length;
        }
        double[] doubles = t.ToDoubleArray();
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(doubles.AsSpan()).CopyTo(destination);
        }
        else
        {
            for (int i = 0; i < doubles.Length; i++)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(destination[(8 * i)..], doubles[i]);
            }
        }
        return 8 * doubles.Length;
    }

    private static int ElementSize(DType dtype) => dtype == DType.Float32 ? 4 : 8;

    private static InvalidDataException Corrupt(string source, string detail)
        => new($"Cannot read safetensors file '{source}': {detail}.");
}
