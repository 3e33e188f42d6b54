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
then e.g. {"op": "create", "share": "s001", "size": 1}. The ops are the nine of the portal (Ops.cs).
"""
import json
import os
import sys
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
    zfs_utils.get_remote_shell_executor = lambda **kw: real_executor(**{**kw, "port": port})
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
    return drv, commands


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
            run(drv, req)
            answer = {"ok": True}
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
