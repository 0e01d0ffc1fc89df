"""The test world itself works: the sink receives mail from the hosting user's PHP script."""

from __future__ import annotations

from pathlib import Path

from world import World


def test_php_script_reaches_sink_and_world_cleans_up() -> None:
    w = World()
    try:
        path = w.install_payload("wp-cache.php")
        proc = w.spawn_as_user(["php", path.name, w.mx_ip, "25", "2", "0"])
        out, err = proc.communicate(timeout=30)
        assert out.strip() == "sent 2/2", err
        msgs = w.wait_sink(2)
        assert len(msgs) == 2
        assert msgs[0]["peer"][0] == w.server_ip
        name, ns = w.name, w.mx_ns
        home = w.home
    finally:
        w.close()
    assert not Path(f"/run/netns/{ns}").exists()
    assert not Path(f"/sys/class/net/{name}h").exists()
    assert home is not None and not home.exists()
