using System.Globalization;

namespace SharedFs.Init.Configuration;

/// <summary>Durations as operators write them: "500ms", "1s", "2m", "1h", or plain seconds "30" (decimals allowed).</summary>
internal static class DurationParser
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        string trimmed = text.Trim();
        (string number, double unitSeconds) = trimmed switch
        {
            _ when trimmed.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => (trimmed[..^2], 0.001),
            _ when trimmed.EndsWith('s') || trimmed.EndsWith('S') => (trimmed[..^1], 1.0),
            _ when trimmed.EndsWith('m') || trimmed.EndsWith('M') => (trimmed[..^1], 60.0),
            _ when trimmed.EndsWith('h') || trimmed.EndsWith('H') => (trimmed[..^1], 3600.0),
            _ => (trimmed, 1.0),
        };
        if (number.Length == 0 || !char.IsAsciiDigit(number[0])) return false;
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value)) return false;
        double seconds = value * unitSeconds;
        if (double.IsInfinity(seconds) || seconds > TimeSpan.FromDays(1).TotalSeconds) return false;
        duration = TimeSpan.FromSeconds(seconds);
        return true;
    }
}
