using System.Buffers.Binary;
using System.Text;

namespace WaifuLab.Backend;

/// <summary>
/// Just enough of a 64-bit little-endian ELF reader to list and edit symbol-version records:
/// the versions a shared library defines (SHT_GNU_verdef), the versions it needs (SHT_GNU_verneed),
/// and which dynamic symbols are bound to each needed version.
/// </summary>
public sealed class ElfImage
{
    const uint ShtDynsym = 11, ShtGnuVerdef = 0x6ffffffd, ShtGnuVerneed = 0x6ffffffe, ShtGnuVersym = 0x6fffffff;

    /// <summary>The VER_FLG_WEAK bit of vna_flags: ld.so tolerates a weak version the host does not define.</summary>
    public const ushort VerFlagWeak = 0x2;

    readonly byte[] _bytes;
    readonly List<Section> _sections = [];

    record struct Section(uint Type, long Offset, long Size, uint Link, uint Info, long EntSize);

    /// <summary>One version a library needs from another (an Elf64_Vernaux record).</summary>
    /// <param name="FlagsOffset">File offset of vna_flags, the 16-bit field to edit.</param>
    public sealed record NeededVersion(string File, string Name, ushort Flags, ushort Index, long FlagsOffset)
    {
        public bool IsWeak => (Flags & VerFlagWeak) != 0;
    }

    public ElfImage(byte[] bytes)
    {
        _bytes = bytes;
        if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (bytes[4] != 2 || bytes[5] != 1)
            throw new InvalidDataException("only 64-bit little-endian ELF files are supported");
        long shoff = I64(0x28);
        int shentsize = U16(0x3A), shnum = U16(0x3C);
        if (shoff <= 0 || shentsize < 64 || shoff + (long)shentsize * shnum > bytes.Length)
            throw new InvalidDataException("ELF section header table is missing or truncated");
        for (int i = 0; i < shnum; i++)
        {
            long h = shoff + (long)i * shentsize;
            _sections.Add(new Section(U32(h + 4), I64(h + 24), I64(h + 32), U32(h + 40), U32(h + 44), I64(h + 56)));
        }
    }

    public static ElfImage Load(string path) => new(File.ReadAllBytes(path));

    public byte[] Bytes => _bytes;

    /// <summary>Version names this library defines (for libstdc++: GLIBCXX_3.4, ..., GLIBCXX_3.4.30).</summary>
    public IReadOnlyList<string> DefinedVersions()
    {
        var names = new List<string>();
        foreach (var s in _sections.Where(s => s.Type == ShtGnuVerdef))
        {
            long p = s.Offset;
            for (uint n = 0; n < s.Info; n++)
            {
                // Elf64_Verdef: vd_version, vd_flags, vd_ndx, vd_cnt (u16), vd_hash, vd_aux, vd_next (u32)
                uint aux = U32(p + 12), next = U32(p + 16);
                names.Add(Str(s.Link, U32(p + aux))); // first Verdaux names the version itself
                if (next == 0) break;
                p += next;
            }
        }
        return names;
    }

    /// <summary>Every version this library needs, with the file that must provide it.</summary>
    public IReadOnlyList<NeededVersion> NeededVersions()
    {
        var list = new List<NeededVersion>();
        foreach (var s in _sections.Where(s => s.Type == ShtGnuVerneed))
        {
            long p = s.Offset;
            for (uint n = 0; n < s.Info; n++)
            {
                // Elf64_Verneed: vn_version, vn_cnt (u16), vn_file, vn_aux, vn_next (u32)
                int cnt = U16(p + 2);
                string file = Str(s.Link, U32(p + 4));
                long a = p + U32(p + 8);
                for (int k = 0; k < cnt; k++)
                {
                    // Elf64_Vernaux: vna_hash (u32), vna_flags, vna_other (u16), vna_name, vna_next (u32)
                    list.Add(new NeededVersion(file, Str(s.Link, U32(a + 8)), U16(a + 4), U16(a + 6), a + 4));
                    uint anext = U32(a + 12);
                    if (anext == 0) break;
                    a += anext;
                }
                uint next = U32(p + 12);
                if (next == 0) break;
                p += next;
            }
        }
        return list;
    }

    /// <summary>Names of the dynamic symbols whose version index is <paramref name="versionIndex"/>.</summary>
    public IReadOnlyList<string> SymbolsBoundTo(ushort versionIndex)
    {
        var dynsym = _sections.FirstOrDefault(s => s.Type == ShtDynsym);
        var versym = _sections.FirstOrDefault(s => s.Type == ShtGnuVersym);
        if (dynsym.EntSize == 0 || versym.Size == 0) return [];
        long count = Math.Min(dynsym.Size / dynsym.EntSize, versym.Size / 2);
        var names = new List<string>();
        for (long i = 0; i < count; i++)
        {
            if ((U16(versym.Offset + 2 * i) & 0x7fff) != versionIndex) continue;
            names.Add(Str(dynsym.Link, U32(dynsym.Offset + i * dynsym.EntSize)));
        }
        return names;
    }

    /// <summary>Sets VER_FLG_WEAK on a needed version, in memory; returns false if it already was weak.</summary>
    public bool MarkWeak(NeededVersion needed)
    {
        ushort flags = U16(needed.FlagsOffset);
        if ((flags & VerFlagWeak) != 0) return false;
        BinaryPrimitives.WriteUInt16LittleEndian(_bytes.AsSpan((int)needed.FlagsOffset), (ushort)(flags | VerFlagWeak));
        return true;
    }

    string Str(uint strtabIndex, uint offset)
    {
        var tab = _sections[(int)strtabIndex];
        long start = tab.Offset + offset, end = start;
        while (end < tab.Offset + tab.Size && _bytes[end] != 0) end++;
        return Encoding.ASCII.GetString(_bytes, (int)start, (int)(end - start));
    }

    ushort U16(long at) => BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan((int)at));
    uint U32(long at) => BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan((int)at));
    long I64(long at) => BinaryPrimitives.ReadInt64LittleEndian(_bytes.AsSpan((int)at));
}
