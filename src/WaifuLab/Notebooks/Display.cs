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
    /// .NET Interactive's display, found by name so the library does not depend on the kernel. It goes through
    /// <c>KernelInvocationContextExtensions.Display(context, value)</c> rather than <c>Kernel.display</c>: in
    /// 1.0.712001 <c>Kernel.display</c> publishes one DisplayedValue and returns another with a new display id, so its
    /// <c>Update</c> sends an update_display_data that no front-end can match (measured through Jupyter's client).
    /// </summary>
    private static class InteractiveKernel
    {
        private const BindingFlags PublicStatic = BindingFlags.Public | BindingFlags.Static;

        private static Type? Find(string name) => AppDomain.CurrentDomain.GetAssemblies()
            .Select(a => a.GetType(name, throwOnError: false))
            .FirstOrDefault(t => t is not null);

        private static readonly Lazy<(PropertyInfo? Current, MethodInfo? ContextDisplay, MethodInfo? KernelDisplay)> Methods = new(() =>
        {
            var context = Find("Microsoft.DotNet.Interactive.KernelInvocationContext");
            var current = context?.GetProperty("Current", PublicStatic);
            var contextDisplay = context is null ? null : Find("Microsoft.DotNet.Interactive.KernelInvocationContextExtensions")
                ?.GetMethod("Display", PublicStatic, [context, typeof(object), typeof(string[])]);
            var kernelDisplay = Find("Microsoft.DotNet.Interactive.Kernel")?.GetMethod("display", PublicStatic, [typeof(object), typeof(string[])]);
            return (current, contextDisplay, kernelDisplay);
        });

        public static DisplayHandle? TryDisplay(object? value)
        {
            var (current, contextDisplay, kernelDisplay) = Methods.Value;
            if (kernelDisplay is null && contextDisplay is null) return null;
            Formatters.Register();
            var context = current?.GetValue(null);
            var shown = context is not null && contextDisplay is not null
                ? contextDisplay.Invoke(null, [context, value, Array.Empty<string>()])
                : kernelDisplay?.Invoke(null, [value, Array.Empty<string>()]);
            var update = shown?.GetType().GetMethod("Update", BindingFlags.Public | BindingFlags.Instance, [typeof(object)]);
            // A kernel without Update: show the new state below the old one rather than lose it.
            return new DisplayHandle(v =>
            {
                if (update is not null) update.Invoke(shown, [v]);
                else kernelDisplay?.Invoke(null, [v, Array.Empty<string>()]);
            });
        }
    }
}
