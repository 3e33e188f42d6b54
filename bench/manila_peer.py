#!/usr/bin/python3 -I
"""The bench's peer: OpenStack Manila's own ZFSonLinux driver (Debian's python3-manila), its driver class used directly.

No API, scheduler, message bus or database: the bench (bench/ZfsPortal.Bench/PeerDriver.cs) starts this once per run
and sends one JSON line per operation on stdin; each answer is one JSON line on stdout with the driver call's time.
Only two things are put in place of Manila's services, both outside the timed calls' host work:
  - share types: the share's extra specs come from the database in Manila; here they are empty (the backend's
    zfs_dataset_creation_options apply, as for a share type without extra specs);
  - the SSH port: the driver always connects to port 22 (zfsonlinux/utils.py); the host's sshd listens elsewhere.
Private storage, which Manila keeps in its database, is a dict here.

Run by hand: bash scripts/manila-driver-install.sh; /usr/bin/python3 -I bench/manila_peer.py PEER_JSON PREFIX
then e.g. {"op": "create share", "share": "s001", "size": 1}. The ops are the nine of the portal (Ops.cs).

Burst mode (bench/ZfsPortal.Bench/PeerBurst.cs): PEER_JSON PREFIX --green WIDTH runs the driver as manila-share does,
under eventlet's monkey-patching, with one SSH pool of WIDTH connections, and adds
{"op": "create burst", "shares": ["b000", ...], "size": 1}: one green thread per share, all started at once.
"""
import sys

# As manila/cmd/share.py starts manila-share: monkey-patch first, then fix current_thread (its lines, verbatim), and
# only then import oslo and manila (load_driver). Only in burst mode: the single-op mode runs the driver as before.
GREEN_WIDTH = int(sys.argv[4]) if len(sys.argv) == 5 and sys.argv[3] == "--green" else None
if GREEN_WIDTH is not None:
    import eventlet
    eventlet.monkey_patch()
    import __original_module_threading as orig_threading
    import threading  # noqa
    orig_threading.current_thread.__globals__['_active'] = threading._active

import json
import os
import tempfile
import time


def load_driver(peer, prefix):
    # oslo.log and the driver print to stderr; stdout carries only the answers.
    from oslo_config import cfg
    from manila.share import configuration, driver as share_driver, share_types
    from manila.share.drivers.zfsonlinux import driver as zfs_driver, utils as zfs_utils

    lock_dir = tempfile.mkdtemp(prefix="manila-peer-locks-")
    conf_path = os.path.join(lock_dir, "manila.conf")
    with open(conf_path, "w", encoding="utf-8") as f:
        # The driver module registers its options in [DEFAULT] too, some required: the backend's values go in both.
        backend = f"""share_backend_name = peer
share_driver = manila.share.drivers.zfsonlinux.driver.ZFSonLinuxShareDriver
driver_handles_share_servers = False
zfs_use_ssh = True
zfs_service_ip = {peer["Host"]}
zfs_share_export_ip = {peer["Host"]}
zfs_ssh_username = {peer["User"]}
zfs_ssh_private_key_path = {peer["PrivateKeyPath"]}
zfs_zpool_list = {peer["Pool"]}
zfs_dataset_creation_options = compression=on
zfs_dataset_name_prefix = {prefix}
zfs_dataset_snapshot_name_prefix = {prefix}snap_
"""
        f.write(f"[DEFAULT]\nenabled_share_backends = peer\n{backend}[oslo_concurrency]\nlock_path = {lock_dir}\n[peer]\n{backend}")
    cfg.CONF(["--config-file", conf_path], project="manila")

    port = int(peer["Port"])
    real_executor = zfs_utils.get_remote_shell_executor
    if GREEN_WIDTH is None:
        zfs_utils.get_remote_shell_executor = lambda **kw: real_executor(**{**kw, "port": port})
    else:
        zfs_utils.get_remote_shell_executor = green_executor(real_executor, port)
    share_types.get_extra_specs_from_share = lambda share: {}

    commands = []
    real_call = zfs_utils.ganesha_utils.SSHExecutor.__call__

    def counted(self, *args, **kwargs):
        words = [a for a in args if not a.startswith("-")]
        # "zfs create", "zpool get"; other tools by name only (lsof, umount, ssh: the nested send | receive).
        commands.append(" ".join(words[:2]) if words and words[0] in ("zfs", "zpool") else (words or ["?"])[0])
        return real_call(self, *args, **kwargs)

    zfs_utils.ganesha_utils.SSHExecutor.__call__ = counted

    conf = configuration.Configuration(share_driver.share_opts, config_group="peer")
    drv = zfs_driver.ZFSonLinuxShareDriver(configuration=conf, private_storage=PrivateStorage())
    drv.do_setup(None)
    if GREEN_WIDTH is not None:
        warm(drv.ssh_executor.pool)
    return drv, commands


def green_executor(real_executor, port):
    """Burst mode: the driver and its NFS helper share ONE executor, its pool bounded at GREEN_WIDTH connections.

    In Manila each of them builds its own SSHExecutor (ExecuteMixin.init_execute_mixin, max_size=10 each): creates go
    over the driver's pool, the mount-point read of create_exports over the helper's. One pool of WIDTH is what the
    floor with the portal's host gate (Burst.cs) and the portal use: WIDTH connections, WIDTH commands at once.
    """
    shared = []

    def executor(**kw):
        if not shared:
            shared.append(real_executor(**{**kw, "port": port, "max_size": GREEN_WIDTH}))
        return shared[0]

    return executor


POOL_STATS = {"opened": 0, "leased": 0, "peak": 0}


def warm(pool):
    """Opens all WIDTH connections before the burst (the portal's and the floor's are open beforehand too), and counts.

    Manila's SSHPool.get (manila/utils.py) counts a new connection (current_size += 1) only after create() has
    connected, which yields to the other green threads: a burst into a cold pool would have every green thread see
    current_size < max_size and open a connection of its own (100 creates at once on zfs-fuse, which deadlocked at
    8-16; docs/benchmarks.md). With all WIDTH open here, current_size == max_size and get() only takes a free one or
    waits (a dead one is replaced one for one). The leases at once are counted, so a breach would show in the answer.
    """
    real_create, real_get, real_put = pool.create, pool.get, pool.put

    def create():
        POOL_STATS["opened"] += 1
        return real_create()

    def get():
        conn = real_get()
        POOL_STATS["leased"] += 1
        POOL_STATS["peak"] = max(POOL_STATS["peak"], POOL_STATS["leased"])
        return conn

    def put(conn):
        POOL_STATS["leased"] -= 1
        real_put(conn)

    pool.create, pool.get, pool.put = create, get, put
    conns = [pool.get() for _ in range(GREEN_WIDTH)]
    for conn in conns:
        pool.put(conn)
    POOL_STATS["peak"] = 0


def create_burst(drv, req):
    """All shares' create_share calls at once, one green thread each, as manila-share runs RPC casts; waits for all.

    Safe under green threads (manila/share/drivers/zfsonlinux/driver.py, create_share): it builds the options from
    the configuration and the share's extra specs (empty here), writes private storage (a dict here, no yield
    between read and write), then runs `zfs create` and, through the NFS helper's create_exports, `zfs get
    mountpoint`, each over a connection leased from the pool for that command alone (ganesha/utils.py SSHExecutor).
    It takes no lock (zfs_dataset_synchronized guards access updates and deletes, not creates) and shares no state
    between shares except the pool, an eventlet pool made for green threads; paramiko's transport threads are
    green threads under the monkey-patching.
    """
    if GREEN_WIDTH is None:
        raise ValueError("create burst needs burst mode (--green WIDTH)")
    shares = req["shares"]
    done = {}
    errors = []
    POOL_STATS["peak"] = POOL_STATS["opened"] = 0
    start = time.perf_counter()

    def one(share_id):
        try:
            drv.create_share(None, share(share_id, req.get("size", 1)))
        except Exception as e:
            errors.append({"share": share_id, "error": f"{type(e).__name__}: {e}".splitlines()[0][:500]})
        done[share_id] = (time.perf_counter() - start) * 1000

    green = eventlet.GreenPool(len(shares))
    for share_id in shares:
        green.spawn_n(one, share_id)
    green.waitall()
    return {
        "shares_ms": [done[s] for s in shares],
        "errors": errors,
        "datasets": [drv.private_storage.get(s, "dataset_name") for s in shares],
        "commands_at_once": POOL_STATS["peak"],
        "connections_opened": POOL_STATS["opened"],
        "pool_size": drv.ssh_executor.pool.current_size,
    }


class PrivateStorage:
    """Manila's per-share driver storage (a database table there)."""

    def __init__(self):
        self.rows = {}

    def update(self, entity_id, details, delete_existing=False):
        self.rows.setdefault(entity_id, {}).update(details)

    def get(self, entity_id, key=None, default=None):
        row = self.rows.get(entity_id, {})
        return row.get(key, default) if key else row

    def delete(self, entity_id, key=None):
        self.rows.pop(entity_id, None)


class Snapshot(dict):
    """A snapshot instance: read by key, and by attribute for its share instance (as Manila's model is)."""

    @property
    def share_instance(self):
        return self["share_instance"]


def share(share_id, size=1):
    return {"id": share_id, "host": "bench@peer#" + POOL, "size": size, "share_proto": "NFS", "share_type_id": None}


def snapshot(snap_id, share_id):
    return Snapshot(id=snap_id, snapshot_id=snap_id, share_instance_id=share_id, share_instance=share(share_id))


def rule(client):
    return {"access_type": "ip", "access_to": client, "access_level": "rw", "id": client}


def run(drv, req):
    op = req["op"]
    if op == "create share":
        drv.create_share(None, share(req["share"], req.get("size", 1)))
    elif op == "allow access":
        r = rule(req["client"])
        drv.update_access(None, share(req["share"]), [r], [r], [])
    elif op == "deny access":
        drv.update_access(None, share(req["share"]), [], [], [rule(req["client"])])
    elif op == "snapshot create":
        drv.create_snapshot(None, snapshot(req["snapshot"], req["share"]))
    elif op == "share from snapshot":
        drv.create_share_from_snapshot(None, share(req["copy"]), snapshot(req["snapshot"], req["share"]))
    elif op == "extend":
        drv.extend_share(share(req["share"]), req["size"])
    elif op == "shrink":
        drv.shrink_share(share(req["share"]), req["size"])
    elif op == "snapshot delete":
        drv.delete_snapshot(None, snapshot(req["snapshot"], req["share"]))
    elif op == "delete share":
        drv.delete_share(None, share(req["share"]))
    elif op == "create burst":
        return create_burst(drv, req)
    else:
        raise ValueError(f"unknown op {op!r}")


def main():
    global POOL
    with open(sys.argv[1], encoding="utf-8") as f:
        peer = json.load(f)
    POOL = peer["Pool"]
    out = sys.stdout
    sys.stdout = sys.stderr  # anything the driver prints stays off the answer channel
    try:
        drv, commands = load_driver(peer, sys.argv[2])
    except Exception as e:  # the bench reports why the driver cannot run, then runs the rest
        out.write(json.dumps({"ready": False, "error": f"{type(e).__name__}: {e}"}) + "\n")
        out.flush()
        return 1
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    for line in sys.stdin:
        req = json.loads(line)
        commands.clear()
        start = time.perf_counter()
        try:
            answer = run(drv, req) or {}
            answer["ok"] = not answer.get("errors")
        except Exception as e:
            answer = {"ok": False, "error": f"{type(e).__name__}: {e}".splitlines()[0][:500]}
        answer["ms"] = (time.perf_counter() - start) * 1000
        answer["commands"] = list(commands)
        out.write(json.dumps(answer) + "\n")
        out.flush()
    return 0


POOL = ""

if __name__ == "__main__":
    sys.exit(main())
