using System.Reflection;

namespace WaifuLab.Notebooks;

/// <summary>
/// <c>display(x)</c> for notebooks: <c>using static WaifuLab.Notebooks.Display;</c> in the first cell. Under
/// <c>waifulab notebook run</c> the value becomes an output of the running cell; under .NET Interactive (VS Code)
/// it goes to the kernel's own display; anywhere else (a console program) its text form is printed.
/// </summary>
public static class Display
{
    private static readonly AsyncLocal<IDisplaySink?> Current = new();

    /// <summary>
    /// Shows <paramref name="value"/> below the running cell: images as pictures, charts as charts. The handle's
    /// <see cref="DisplayHandle.Update"/> redraws that output in place (the runner stores its last state).
    /// </summary>
#pragma warning disable IDE1006 // lower case, as in .NET Interactive and IPython
    public static DisplayHandle display(object? value)
#pragma warning restore IDE1006
    {
        if (Current.Value is { } sink) return sink.Display(value);
        if (InteractiveKernel.TryDisplay(value) is { } shown) return shown;
        var console = DisplayHandle.Console();
        console.Update(value);
        return console;
    }

    /// <summary>Routes display calls of this async flow to <paramref name="sink"/> until the result is disposed.</summary>
    public static IDisposable Attach(IDisplaySink sink)
    {
        var previous = Current.Value;
        Current.Value = sink;
        return new Detach(() => Current.Value = previous);
    }

    private sealed class Detach(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }

    /// <summary>
    /// .NET Interactive's <c>Kernel.display</c> and the <c>DisplayedValue.Update</c> of what it returns, found by name
    /// so the library does not depend on the kernel.
    /// </summary>
    private static class InteractiveKernel
    {
        private static readonly Lazy<MethodInfo?> Method = new(() => AppDomain.CurrentDomain.GetAssemblies()
            .Select(a => a.GetType("Microsoft.DotNet.Interactive.Kernel", throwOnError: false))
            .FirstOrDefault(t => t is not null)
            ?.GetMethod("display", BindingFlags.Public | BindingFlags.Static, [typeof(object), typeof(string[])]));

        public static DisplayHandle? TryDisplay(object? value)
        {
            if (Method.Value is not { } display) return null;
            Formatters.Register();
            var shown = display.Invoke(null, [value, Array.Empty<string>()]);
            var update = shown?.GetType().GetMethod("Update", BindingFlags.Public | BindingFlags.Instance, [typeof(object)]);
            // A kernel without Update: show the new state below the old one rather than lose it.
            return new DisplayHandle(v =>
            {
                if (update is not null) update.Invoke(shown, [v]);
                else display.Invoke(null, [v, Array.Empty<string>()]);
            });
        }
    }
}
