"""Ledger upload for the console: check a ledger, then import it, with the checks of `gridcare import`.

``POST /ledger/check``
    The body is the file itself: an ``.xlsx`` workbook or a ``.zip`` of CSV files
    (the sheets' names as in a CSV folder). Answers every problem found, sheet,
    row and column, the rows per sheet, and how the ledger was understood — the
    JSON of ``gridcare import --dry-run`` (`api.dry_run.understanding`: each
    sheet's columns and how they were recognised, what is taken from elsewhere,
    the first rows as they would be stored, masked); writes nothing.
``POST /ledger/import``
    The same body. With any error nothing is written (422, the same answer as a
    check); else the ledger is written as `gridcare import` writes it — one
    transaction per community, all or nothing — and the answer streams NDJSON:
    ``{"total": N}``, ``{"done": n}`` as batches are written, then
    ``{"summary": {…}}`` once committed, or ``{"error": …, "request_id": …}``.

Staff import into their own community (every row, as ``--community``); admins
into ``?community=NAME``, else the ledger's 社区 column; anyone else is refused
(403). The body is at most `MAX_UPLOAD` bytes; a zip may unpack to at most
`MAX_UNPACKED` bytes in at most `MAX_ENTRIES` files, and only its ``.csv`` files
are read, by their base name (never a path of the archive).
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import tempfile
import traceback
import zipfile
from collections.abc import AsyncIterator
from dataclasses import asdict
from pathlib import Path, PurePosixPath

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from analysis.domain import Role, today
from api.auth import refusal
from api.dry_run import understanding
from api.importing import plan_ledger, read_checked
from api.settings import Settings
from graph.store import Store, is_outage
from loaders.errors import LoaderError
from loaders.model import Ledger
from loaders.writer import ImportSummary, total_rows, write_plan
from schema.outages import MESSAGE
from schema.policy import WHOLE_COMMUNITY

log = logging.getLogger("gridcare")
MAX_UPLOAD = 20 * 1024 * 1024  # bytes: the demo's ~7,000 residents are about 1 MB as .xlsx
MAX_UNPACKED = 200 * 1024 * 1024
MAX_ENTRIES = 200  # files in the archive (a workbook holds a few per sheet)
MAX_COMMUNITY = 100  # characters of ?community=
MAX_SHOWN = 1000  # problems listed in an answer (the reader stops long before a garbage file exhausts memory)
PREVIEW_ROWS = 3  # first rows of each sheet shown as stored (the default of --dry-run's --preview)
SHEET_COUNTS = ("residents", "leaders", "care", "volunteers", "service_roles", "party_groups")


class UploadError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def install(app: FastAPI, settings: Settings) -> None:
    async def check(request: Request) -> Response:
        try:
            ledger = await _read(request, settings)
        except UploadError as e:
            return refusal(e.status, str(e), request.state.request_id)
        return JSONResponse(report(ledger), status_code=200)

    async def import_(request: Request) -> Response:
        try:
            ledger = await _read(request, settings)
        except UploadError as e:
            return refusal(e.status, str(e), request.state.request_id)
        if ledger.errors:
            return JSONResponse(report(ledger), status_code=422)
        stream = _write(request.app.state.store, ledger, settings, request.state.request_id)
        return StreamingResponse(stream, media_type="application/x-ndjson", headers={"Cache-Control": "no-store"})

    app.add_api_route("/ledger/check", check, methods=["POST"], include_in_schema=False)
    app.add_api_route("/ledger/import", import_, methods=["POST"], include_in_schema=False)


def report(ledger: Ledger) -> dict:
    """What a check answers: the problems (sensitive values are never quoted in them), the rows per sheet and
    how the ledger was understood (the dry run's JSON)."""
    problems = [{**asdict(p), "text": str(p)} for p in ledger.problems[:MAX_SHOWN]]
    rows = {sheet: len(getattr(ledger, sheet)) for sheet in SHEET_COUNTS}
    return {
        "ok": not ledger.errors,
        "errors": len(ledger.errors),
        "warnings": len(ledger.warnings),
        "problems": problems,
        "more": max(0, len(ledger.problems) - MAX_SHOWN),
        "rows": rows,
        "communities": ledger.communities,
        "understanding": understanding(ledger, today()),
    }


async def _read(request: Request, settings: Settings) -> Ledger:
    principal = request.state.principal
    if principal.role not in WHOLE_COMMUNITY:
        raise UploadError(403, "only community staff and admins import ledgers")
    community = principal.community if principal.role == Role.STAFF else request.query_params.get("community")
    if community is not None and not 0 < len(community.strip()) <= MAX_COMMUNITY:
        raise UploadError(400, f"community must be 1 to {MAX_COMMUNITY} characters")
    body = await _body(request)
    with tempfile.TemporaryDirectory(prefix="gridcare-upload-") as tmp:
        path = await asyncio.to_thread(unpack, body, Path(tmp))
        try:
            return await asyncio.to_thread(read_checked, path, community, preview=PREVIEW_ROWS)
        except LoaderError as e:  # the file as a whole cannot be read: say so without the temporary path
            raise UploadError(400, str(e).replace(str(path), "the uploaded ledger")) from e


async def _body(request: Request) -> bytes:
    length = request.headers.get("content-length", "")
    if not length.isdigit():
        raise UploadError(411, "a Content-Length header is required")
    if int(length) > MAX_UPLOAD:
        raise UploadError(413, f"the file is larger than {MAX_UPLOAD // (1024 * 1024)} MB")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_UPLOAD:
            raise UploadError(413, f"the file is larger than {MAX_UPLOAD // (1024 * 1024)} MB")
    if not body:
        raise UploadError(400, "the request body is empty: send the .xlsx or .zip file itself")
    return bytes(body)


def unpack(body: bytes, folder: Path) -> Path:
    """Lay the upload out as `gridcare import` reads it: ``folder/ledger.xlsx``, or the zip's CSV files in
    ``folder/ledger/``."""
    if not body.startswith(b"PK\x03\x04"):
        raise UploadError(415, "not an .xlsx workbook or a .zip of CSV files")
    try:
        archive = zipfile.ZipFile(io.BytesIO(body))
    except zipfile.BadZipFile as e:
        raise UploadError(400, f"the file is damaged: {e}") from e
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise UploadError(413, f"the archive holds more than {MAX_ENTRIES} files")
        if sum(e.file_size for e in entries) > MAX_UNPACKED:
            raise UploadError(413, f"the file unpacks to more than {MAX_UNPACKED // (1024 * 1024)} MB")
        if any(e.filename == "[Content_Types].xml" for e in entries):
            workbook = folder / "ledger.xlsx"
            workbook.write_bytes(body)
            return workbook
        return _csv_folder(archive, entries, folder / "ledger")


def _csv_folder(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo], out: Path) -> Path:
    out.mkdir()
    written: set[str] = set()
    unpacked = 0
    for entry in entries:
        name = PurePosixPath(entry_name(entry)).name
        if entry.is_dir() or not name.lower().endswith(".csv") or name.startswith("._"):
            continue
        if name.lower() in written:
            raise UploadError(400, f"the archive holds two files named {name}")
        written.add(name.lower())
        with archive.open(entry) as source, open(out / name, "wb") as target:
            while chunk := source.read(1 << 16):  # counted as read: a header's declared size may lie
                unpacked += len(chunk)
                if unpacked > MAX_UNPACKED:
                    raise UploadError(413, f"the file unpacks to more than {MAX_UNPACKED // (1024 * 1024)} MB")
                target.write(chunk)
    if not written:
        raise UploadError(400, "the archive holds no .csv file (nor is it an .xlsx workbook)")
    return out


def entry_name(entry: zipfile.ZipInfo) -> str:
    """An archive member's name; names without the UTF-8 flag (zips made on Chinese Windows) are tried as
    UTF-8, then GB18030, before the zip standard's code page 437."""
    if entry.flag_bits & 0x800:
        return entry.filename
    raw = entry.filename.encode("cp437", errors="replace")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return entry.filename


async def _write(store: Store, ledger: Ledger, settings: Settings, request_id: str) -> AsyncIterator[bytes]:
    """Write the ledger off the loop, streaming how many rows are written, then the summary or the error."""
    loop = asyncio.get_running_loop()
    written: asyncio.Queue[int] = asyncio.Queue()
    plan = await asyncio.to_thread(plan_ledger, ledger, settings)
    total = total_rows(plan)
    yield _line({"total": total})

    def on_rows(n: int) -> None:  # called on the writing thread
        loop.call_soon_threadsafe(written.put_nowait, n)

    work = asyncio.ensure_future(asyncio.to_thread(write_plan, store, plan, on_rows=on_rows))
    done = 0
    while not work.done() or not written.empty():
        batch = asyncio.ensure_future(written.get())
        await asyncio.wait({batch, work}, return_when=asyncio.FIRST_COMPLETED)
        if batch.done():
            done = min(total, done + batch.result())  # a transaction retried reports its rows again
            yield _line({"done": done})
        else:
            batch.cancel()
    yield _line(_outcome(work, request_id))


def _outcome(work: asyncio.Future[ImportSummary], request_id: str) -> dict:
    error = work.exception()
    if error is None:
        summary = work.result()
        return {"summary": {name: asdict(s) for name, s in summary.communities.items()}}
    if is_outage(error):
        return {"error": MESSAGE, "code": "UNAVAILABLE", "request_id": request_id}
    trace = "".join(traceback.format_tb(error.__traceback__))
    log.error("request %s: the ledger import failed with %s\n%s", request_id, type(error).__name__, trace)
    return {"error": f"internal error (request id {request_id})", "request_id": request_id}


def _line(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode() + b"\n"
