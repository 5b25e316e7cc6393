using System.Globalization;

namespace SharedFs.Init.Configuration;

/// <summary>
/// Sizes as plans are sold: <c>5g</c>, <c>500m</c>, <c>1.5t</c>, <c>1024k</c> or plain bytes. Units are binary
/// (k = 1024) and case-insensitive; <c>gb</c>, <c>gib</c> and <c>g</c> mean the same.
/// </summary>
internal static class SizeParser
{
    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        var value = text.Trim().ToLowerInvariant();
        var unitStart = value.Length;
        while (unitStart > 0 && char.IsAsciiLetter(value[unitStart - 1])) unitStart--;
        var (number, unit) = (value[..unitStart], value[unitStart..]);
        var shift = unit switch
        {
            "" or "b" => 0,
            "k" or "kb" or "kib" => 10,
            "m" or "mb" or "mib" => 20,
            "g" or "gb" or "gib" => 30,
            "t" or "tb" or "tib" => 40,
            _ => -1,
        };
        if (shift < 0 || number.Length == 0 || number.StartsWith('-') || number.StartsWith('+')) return false;
        if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)) return false;
        var scaled = amount * (1L << shift);
        if (scaled > long.MaxValue / 2) return false;
        bytes = (long)decimal.Floor(scaled);
        return true;
    }
}
