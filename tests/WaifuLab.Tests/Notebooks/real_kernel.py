"""Drives the real .NET Interactive kernel through Jupyter's own client (Debian's python3-nbclient, python3-jupyter-client).

Used by RealKernel.cs; two modes:
  run IN.ipynb OUT.ipynb CWD TIMEOUT   execute every code cell with nbclient, as Jupyter's "Run All" does; stop at the
                                       first error (papermill's convention), write OUT either way; exit 1 on error
  session CWD                          a kernel kept alive for a JSON-lines conversation on stdin/stdout:
      {"op": "execute", "code": "...", "timeout": 60}    run a cell, answer {"status", "outputs"} when it ends
      {"op": "start", "code": "..."}                     send a cell and answer at once with {"msg_id"}
      {"op": "wait_output", "msg_id": "...", "contains": "text", "timeout": 60}
                                                         read that cell's outputs until one contains text
      {"op": "wait", "msg_id": "...", "timeout": 60}     until that cell ends: {"status", "outputs"}
      {"op": "interrupt"}                                what Jupyter's "interrupt kernel" sends (per kernelspec)
      {"op": "interrupt_message"}                        an interrupt_request on the control channel
      {"op": "alive"}                                    {"alive": bool}
      {"op": "shutdown"}
Outputs are nbformat output dicts. The kernel is '.net-csharp' as registered by `dotnet-interactive jupyter install`.
"""
import json
import signal
import sys
import time

KERNEL = ".net-csharp"


def run(src, dst, cwd, timeout):
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(src, as_version=4)
    client = NotebookClient(nb, kernel_name=KERNEL, timeout=timeout, startup_timeout=180,
                            resources={"metadata": {"path": cwd}})
    started = time.time()
    code = 0
    try:
        client.execute()
    except CellExecutionError as e:
        print(f"cell failed: {str(e)[:4000]}", file=sys.stderr)
        code = 1
    nbformat.write(nb, dst)
    print(f"kernel run took {time.time() - started:.1f} s", file=sys.stderr)
    return code


class Session:
    def __init__(self, cwd):
        from jupyter_client.manager import KernelManager
        self.km = KernelManager(kernel_name=KERNEL)
        # the kernel logs to stdout, which here carries the conversation: its output goes to stderr
        self.km.start_kernel(cwd=cwd, stdout=sys.stderr, stderr=sys.stderr)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=180)
        self.outputs = {}   # msg_id -> outputs of that cell so far
        self.replies = {}   # msg_id -> execute_reply status ("ok", "error", "aborted")
        self.idle = set()   # msg_ids whose cell the kernel has finished (status idle)

    def pump(self, timeout):
        """Reads one iopub message (or none within timeout) and files it under its cell; then any shell replies."""
        import queue
        try:
            msg = self.kc.get_iopub_msg(timeout=timeout)
            parent = msg.get("parent_header", {}).get("msg_id")
            kind, content = msg["msg_type"], msg["content"]
            outs = self.outputs.setdefault(parent, [])
            if kind == "stream":
                outs.append({"output_type": "stream", "name": content["name"], "text": content["text"]})
            elif kind in ("display_data", "update_display_data", "execute_result"):
                out = {"output_type": kind, "data": content.get("data", {}), "metadata": content.get("metadata", {})}
                if "transient" in content:
                    out["transient"] = content["transient"]
                outs.append(out)
            elif kind == "error":
                outs.append({"output_type": "error", "ename": content["ename"], "evalue": content["evalue"],
                             "traceback": content.get("traceback", [])})
            elif kind == "status" and content.get("execution_state") == "idle":
                self.idle.add(parent)
        except queue.Empty:
            pass
        while True:
            try:
                reply = self.kc.get_shell_msg(timeout=0)
            except queue.Empty:
                return
            self.replies[reply["parent_header"].get("msg_id")] = reply["content"].get("status")

    def wait(self, msg_id, timeout):
        deadline = time.time() + timeout
        while not (msg_id in self.replies and msg_id in self.idle):
            if time.time() > deadline:
                return "timeout"
            self.pump(0.1)
        return self.replies[msg_id]

    def handle(self, req):
        op = req["op"]
        if op == "start":
            msg_id = self.kc.execute(req["code"])
            self.outputs[msg_id] = []
            return {"msg_id": msg_id}
        if op == "execute":
            msg_id = self.kc.execute(req["code"])
            self.outputs[msg_id] = []
            status = self.wait(msg_id, req.get("timeout", 600))
            return {"msg_id": msg_id, "status": status, "outputs": self.outputs[msg_id]}
        if op == "wait":
            status = self.wait(req["msg_id"], req.get("timeout", 600))
            return {"status": status, "outputs": self.outputs.get(req["msg_id"], [])}
        if op == "wait_output":
            deadline = time.time() + req.get("timeout", 600)
            while time.time() < deadline:
                if any(req["contains"] in json.dumps(o) for o in self.outputs.get(req["msg_id"], [])):
                    return {"found": True, "outputs": self.outputs[req["msg_id"]]}
                self.pump(0.1)
            return {"found": False, "outputs": self.outputs.get(req["msg_id"], [])}
        if op == "interrupt":
            self.km.interrupt_kernel()
            return {"ok": True}
        if op == "interrupt_message":
            msg = self.kc.session.msg("interrupt_request", {})
            self.kc.control_channel.send(msg)
            return {"ok": True}
        if op == "alive":
            return {"alive": self.km.is_alive()}
        if op == "shutdown":
            self.close()
            return {"ok": True}
        return {"error": f"unknown op {op}"}

    def close(self):
        try:
            self.kc.stop_channels()
        finally:
            self.km.shutdown_kernel(now=True)


def session(cwd):
    s = Session(cwd)
    print(json.dumps({"ready": True}), flush=True)
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            req = json.loads(line)
            print(json.dumps(s.handle(req)), flush=True)
            if req["op"] == "shutdown":
                return 0
    finally:
        if s.km.is_alive():
            s.close()
    return 0


if __name__ == "__main__":
    # As a Jupyter server started from a terminal does: SIGINT handled here, so the kernel starts with its default
    # disposition even when this script inherited it ignored (a background job of a script); .NET never catches an
    # ignored SIGINT, and Jupyter's interrupt would not reach the kernel.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if sys.argv[1] == "run":
        sys.exit(run(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])))
    if sys.argv[1] == "session":
        sys.exit(session(sys.argv[2]))
    sys.exit(f"usage: {sys.argv[0]} run IN OUT CWD TIMEOUT | session CWD")
