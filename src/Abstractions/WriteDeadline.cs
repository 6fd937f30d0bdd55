namespace HyperdOrleans.Abstractions;

/// <summary>
/// A write attempt's deadline travels beside the call in Orleans' request context, as UTC ticks. The SDK abandons an attempt
/// at its deadline (and sends another, or reports the call failed), so the index grain refuses an attempt that reaches it
/// later, held up in a cut-off gateway's buffers say, instead of applying rows of a call the client already gave up on.
/// Client and silo clocks must agree to well under the attempt timeout (NTP keeps them within milliseconds).
/// </summary>
public static class WriteDeadline
{
    public const string Key = "hyperd.write-deadline";
}
