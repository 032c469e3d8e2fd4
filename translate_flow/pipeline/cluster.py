"""``run --ray``: the model work of a run shared among the actors of a Ray cluster.

The ``run`` process stays the coordinator: it extracts, reads the catalogs, the memory and
the cache, and writes every file, as without a cluster. Only the model work leaves it:
the distinct pending segments of a language pair go out in shards to actors that each hold
one loaded :class:`~translate_flow.translate.Translator`, and come back shard by shard, to
be stored in the cache as they arrive. A replica whose process dies is restarted by Ray and
its shard run again. A shard is a run of the batches one machine would make of the same
texts (:func:`plan_shards`), so the output is byte for byte a single machine's. Model files are read on each node from the paths the configuration gives,
so those paths must name the same files on every node (a shared file system).

Ray is an optional extra (``pip install 'translate-flow[ray]'``); nothing here imports it
before a cluster is asked for.
"""

from __future__ import annotations

import logging
import socket
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from ..config import ClusterSettings, Config
from ..errors import ModelError, TranslateFlowError
from ..translate import Advance, DecodeOptions, ModelSpec, Steering, Terms, Translation, Translator
from ..translate.layout import read_layout
from ..translate.prepare import Preparer, batches
from .engines import ModelEngines

__all__ = ["INSTALL_HINT", "Cluster", "ClusterError", "RayEngine", "connect", "plan_shards", "ray_engines"]

INSTALL_HINT = "Ray is not installed: pip install 'translate-flow[ray]'"
LOCAL = "local"  # start a cluster on this machine for the run
IN_FLIGHT = 2  # shards queued per actor, so that none waits for the coordinator between two


class ClusterError(TranslateFlowError):
    """The cluster cannot be reached, or lost a shard more often than it may retry it."""


def _import_ray() -> ModuleType:
    try:
        import ray
    except ImportError:
        raise ClusterError(INSTALL_HINT) from None
    return ray


@dataclass(frozen=True)
class Cluster:
    """A connected Ray cluster and how to use it."""

    ray: ModuleType
    settings: ClusterSettings

    def nodes(self) -> list[tuple[str, int]]:
        """``(node id, CPUs)`` of each live node that has CPUs."""
        return [
            (node["NodeID"], int(node["Resources"].get("CPU", 0)))
            for node in self.ray.nodes() if node["Alive"] and node["Resources"].get("CPU", 0) >= 1
        ]

    def placements(self) -> list[str]:
        """The node of each replica to start: ``actors_per_node`` on each node, or one per
        ``threads`` of its CPUs."""
        threads, wanted = self.settings.threads, self.settings.actors_per_node
        return [node for node, cpus in self.nodes() for _ in range(wanted or max(1, cpus // threads))]


@contextmanager
def connect(settings: ClusterSettings, address: str | None = None) -> Iterator[Cluster]:
    """Connect to the cluster at *address* (the settings' by default) for the block.

    ``local`` starts a cluster on this machine; any other address is what ``ray.init``
    takes. An address that answers nothing within the settings' timeout is a
    :class:`ClusterError`, as is Ray missing.
    """
    ray = _import_ray()
    wanted = address or settings.address or LOCAL
    if wanted != LOCAL:
        _reach(ray, wanted, settings.timeout)
    try:
        ray.init(
            address=wanted, logging_level=logging.ERROR, log_to_driver=False,
            include_dashboard=False if wanted == LOCAL else None,
        )
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise ClusterError(f"cannot connect to the Ray cluster at {wanted} ({exc})") from None
    try:
        yield Cluster(ray, settings)
    finally:
        ray.shutdown()


def _reach(ray: ModuleType, address: str, timeout: float) -> None:
    """Fail within *timeout* when nothing listens at *address* (``ray.init`` would wait minutes)."""
    if address.startswith("ray://"):
        parts = urlsplit(address)
        host, port = parts.hostname or "", parts.port or 10001
    else:
        try:
            # "auto" becomes RAY_ADDRESS or the cluster started last on this machine.
            resolved = ray._private.services.canonicalize_bootstrap_address(address)
        except (ValueError, ConnectionError) as exc:
            raise ClusterError(f"no Ray cluster at {address} ({exc})") from None
        if resolved is None:
            raise ClusterError(f"no Ray cluster at {address}: start one with `ray start --head`, or use --ray local")
        host, _, port_text = resolved.rpartition(":")
        port = int(port_text)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        raise ClusterError(
            f"cannot reach the Ray cluster at {address} within {timeout:g} s ({exc.strerror or exc})"
        ) from None


def ray_engines(config: Config, decode: DecodeOptions, cluster: Cluster, *, engine: str | None = None) -> ModelEngines:
    """The configured and installed models, each run by replicas on *cluster*."""
    return ModelEngines(config, decode, engine=engine, load=partial(RayEngine, cluster))


class _Replica:
    """One loaded model on a node: a Ray actor (the class is made remote when used)."""

    def __init__(self, spec: ModelSpec, options: DecodeOptions) -> None:
        self.translator = Translator(spec, options)

    def translate(self, msgids: Sequence[str], terms: Terms, steering: Steering | None) -> list[Translation]:
        return self.translator.translate(msgids, terms, None, steering)


def _identity(spec: ModelSpec, options: DecodeOptions) -> tuple[str, str, str | None]:
    """``("ok", identity, device)`` or ``("error", message, path)``: the model as a node loads it."""
    try:
        translator = Translator(spec, options)
    except ModelError as exc:
        return "error", f"{exc.message} (on {socket.gethostname()})", exc.path
    return "ok", translator.identity, translator.device


def plan_shards(
    msgids: Sequence[str], size: int, spec: ModelSpec, options: DecodeOptions, device: str, terms: Terms,
    steering: Steering | None,
) -> list[list[str]]:
    """The distinct *msgids* in shards of about *size*, each made of whole batches of the plan
    one machine would run.

    A model's output for an input can change with what else is in its batch (the padding
    changes the arithmetic), so a shard holds whole batches of the plan :class:`Translator`
    makes for all the texts at once. Batches are cut where the next, longer input would
    overflow or need another output bound, so any set of whole batches is batched the same
    way again when translated alone, and gives the same bytes. An input cut into chunks in
    several batches keeps those batches in one shard.
    """
    import sentencepiece

    unique = list(dict.fromkeys(msgids))
    # Prepared as the Translator prepares them: with the limits the model's folder sets.
    source_sp = sentencepiece.SentencePieceProcessor(model_file=str(spec.source_sentencepiece))
    preparer = Preparer.for_model(spec, source_sp, read_layout(spec.model_dir))
    prepared = [preparer.prepare(index, msgid, terms, steering) for index, msgid in enumerate(unique)]
    chunks = [c for p in prepared for c in p.chunks]
    steered = {c.index for p in prepared if p.steered for c in p.chunks}
    plan = [sorted({chunks[p].index for p in batch.positions})
            for batch in batches(chunks, steered, spec, options, device)]
    # Batches that share an input go together: a union of batches, found by their first.
    first: dict[int, int] = {}
    owner = list(range(len(plan)))

    def root(number: int) -> int:
        while owner[number] != number:
            owner[number] = owner[owner[number]]
            number = owner[number]
        return number

    for number, indexes in enumerate(plan):
        for index in indexes:
            owner[root(number)] = root(first.setdefault(index, number))
    groups: dict[int, set[int]] = {}
    for number, indexes in enumerate(plan):
        groups.setdefault(root(number), set()).update(indexes)
    shards: list[list[str]] = []
    current: set[int] = set()
    for group in groups.values():
        current |= group
        if len(current) >= size:
            shards.append([unique[i] for i in sorted(current)])
            current = set()
    if current:
        shards.append([unique[i] for i in sorted(current)])
    return shards


class RayEngine:
    """A model run by replicas on the nodes of a cluster, a shard of msgids at a time.

    Its identity is the one the same model has on a single machine, so the cache serves
    both alike. Replicas are started for each :meth:`shards` call and stopped after it,
    so that the cores go to the next language's model.
    """

    def __init__(self, cluster: Cluster, spec: ModelSpec, options: DecodeOptions) -> None:
        """Load the model once on a node, to learn its identity; :class:`ModelError` if it cannot."""
        self.cluster = cluster
        self.spec = spec
        self.options = replace(options, threads=cluster.settings.threads)  # threads never change the output
        ray = cluster.ray
        probe = ray.remote(_identity).options(num_cpus=cluster.settings.threads)
        try:
            status, text, detail = ray.get(probe.remote(spec, self.options))
        except ray.exceptions.RayError as exc:
            raise ClusterError(f"the cluster could not load {spec.describe()} ({type(exc).__name__})") from None
        if status != "ok":
            raise ModelError(text, path=detail)
        self.identity: str = text
        self.device = detail or "cpu"  # where the replicas run: batches are planned for it

    def translate(
        self, msgids: Sequence[str], terms: Terms = (), progress: Advance | None = None,
        steering: Steering | None = None,
    ) -> list[Translation]:
        """Translate *msgids* (numbered tags and all), in order."""
        found = {t.msgid: t for part in self.shards(msgids, terms, progress, steering) for t in part}
        return [found[m] for m in msgids]

    def shards(
        self, msgids: Sequence[str], terms: Terms = (), progress: Advance | None = None,
        steering: Steering | None = None,
    ) -> Iterator[list[Translation]]:
        """The translations of the distinct *msgids*, a shard at a time, as shards finish."""
        ray, settings = self.cluster.ray, self.cluster.settings
        if not msgids:
            return
        waiting = deque(plan_shards(msgids, settings.shard_size, self.spec, self.options, self.device, terms,
                                    steering))
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        replica = ray.remote(_Replica)
        actors = [
            replica.options(
                num_cpus=settings.threads, max_restarts=settings.retries, max_task_retries=settings.retries,
                # soft: a replica whose node is gone starts again on another
                scheduling_strategy=NodeAffinitySchedulingStrategy(node, soft=True),
            ).remote(self.spec, self.options)
            for node in self.cluster.placements()[: len(waiting)]
        ]
        shared = (ray.put(list(terms)), ray.put(steering))
        running: dict[Any, tuple[Any, list[str]]] = {}

        def send(actor: Any) -> None:
            shard = waiting.popleft()
            running[actor.translate.remote(shard, *shared)] = (actor, shard)

        try:
            for _ in range(IN_FLIGHT):
                for actor in actors:
                    if waiting:
                        send(actor)
            while running:
                [ready], _ = ray.wait(list(running), num_returns=1)
                actor, shard = running.pop(ready)
                try:
                    part: list[Translation] = ray.get(ready)
                except ray.exceptions.RayError as exc:
                    raise ClusterError(
                        f"the cluster failed a shard of {len(shard)} segments {settings.retries + 1} times "
                        f"({type(exc).__name__}); the shards done so far are kept in the cache"
                    ) from None
                if waiting:
                    send(actor)
                if progress is not None:
                    progress(len(shard))
                yield part
        finally:
            for actor in actors:
                ray.kill(actor, no_restart=True)

