"""快递100 (Kuaidi100): the push, the query API's answer and their signatures.

Kuaidi100 pushes a form-encoded POST with two fields: ``param``, a JSON object
(``status``, ``message``, ``lastResult`` and, for international shipments,
``destResult``), and ``sign`` = MD5(param + salt) in hex, where the salt is the one
given when the tracking number was subscribed.  It expects the answer
:data:`PUSH_ANSWER`; anything else makes it push again later.

The query API (``poll.kuaidi100.com/poll/query.do``) answers a POST of
``customer``, ``param`` (``{"com", "num", "resultv2"}``) and ``sign`` =
upper-case MD5(param + key + customer) with the same object ``lastResult`` holds:
``nu`` (the tracking number), ``com``, ``state`` and ``data``, a list of
``{"time", "ftime", "context", "status", "statusCode", "areaName", "location"}``,
newest first.  Times are Beijing time without an offset (``2026-05-06 10:00:00``).

We subscribe and query with ``resultv2=4``: each trace line then carries its own
``statusCode`` (the sub-states, ``1002`` 干线, ``301`` 本人签收 …), which is the raw
code.  A line without one falls back to its ``status`` name (``在途`` → ``0``),
then to ``-`` (a line saying no state), kept as information.
"""

import hashlib
import hmac
import json
from datetime import datetime, timedelta, timezone

from .events import (
    MAX_CODE,
    MAX_DESCRIPTION,
    MAX_LOCATION,
    MAX_REF,
    EventError,
    PayloadError,
    TrackingEvent,
    clean_text,
)
from .parsers import Document

SUBSCRIBE_URL = "https://poll.kuaidi100.com/poll"
QUERY_URL = "https://poll.kuaidi100.com/poll/query.do"
PUSH_ANSWER = {"result": True, "returnCode": "200", "message": "成功"}
# subscribing the same number twice is not an error for us: it is subscribed
SUBSCRIBED_CODES = frozenset({"200", "501"})
BEIJING = timezone(timedelta(hours=8))
NO_STATE = "-"
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")

# The main states and their names, as trace lines name them without resultv2=4.
STATE_NAMES = {
    "在途": "0",
    "揽收": "1",
    "疑难": "2",
    "签收": "3",
    "退签": "4",
    "派件": "5",
    "退回": "6",
    "转投": "7",
    "清关": "8",
    "拒签": "14",
}

# state or sub-state → our status category; managers edit it per carrier
DEFAULT_STATUS_MAP = {
    NO_STATE: "info",
    # 在途 in transit: 到达派件城市, 干线, 转递
    "0": "transit",
    "1001": "transit",
    "1002": "transit",
    "1003": "transit",
    # 揽收 pickup: 已下单, 待揽收, 已揽收
    "1": "pickup",
    "101": "booked",
    "102": "booked",
    "103": "pickup",
    # 疑难 problem: 超时未签收, 超时未更新, 拒收, 派件异常, 柜或驿站超时未取,
    # 无法联系, 超区, 滞留, 破损, 销单
    "2": "exception",
    "201": "delay",
    "202": "delay",
    "203": "refused",
    "204": "failed_attempt",
    "205": "failed_attempt",
    "206": "failed_attempt",
    "207": "address",
    "208": "delay",
    "209": "damage",
    "210": "exception",
    # 签收 delivered: 本人签收, 派件异常后签收, 代签, 投柜或站签收
    "3": "delivered",
    "301": "delivered",
    "302": "delivered",
    "303": "delivered",
    "304": "delivered",
    # 退签 returned to sender, signed for; 已销单 cancelled
    "4": "return",
    "401": "exception",
    # 派件 out for delivery; 投柜或驿站 in a locker or station
    "5": "delivery",
    "501": "delivery",
    # 退回 on its way back; 转投 handed to another carrier
    "6": "return",
    "7": "transit",
    # 清关 customs: 待清关, 清关中, 已清关, 清关异常
    "8": "customs",
    "10": "customs",
    "11": "customs",
    "12": "transit",
    "13": "delay",
    # 拒签 refused by the consignee
    "14": "refused",
}


def push_sign(param, salt):
    """The ``sign`` of a push: MD5 of ``param`` then the salt, upper-case hex."""
    return hashlib.md5((param + salt).encode(), usedforsecurity=False).hexdigest().upper()


def query_sign(param, key, customer):
    """The ``sign`` of a query: upper-case MD5 of ``param``, the key and the customer."""
    message = (param + key + customer).encode()
    return hashlib.md5(message, usedforsecurity=False).hexdigest().upper()


def verify_push(param, sign, salt):
    """True when ``sign`` is the push signature of ``param`` under ``salt``."""
    if not salt or not isinstance(param, str) or not isinstance(sign, str):
        return False
    return hmac.compare_digest(push_sign(param, salt), sign.strip().upper())


def subscribe_form(company, number, key, callback_url, salt):
    """The form fields subscribing ``number`` of ``company`` to pushes at ``callback_url``."""
    param = {
        "company": company,
        "number": number,
        "key": key,
        "parameters": {"callbackurl": callback_url, "salt": salt, "resultv2": "4"},
    }
    return {"schema": "json", "param": json.dumps(param, ensure_ascii=False)}


def query_form(company, number, key, customer):
    """The form fields asking the query API for ``number`` of ``company``."""
    param = json.dumps({"com": company, "num": number, "resultv2": "4"}, ensure_ascii=False)
    return {"customer": customer, "sign": query_sign(param, key, customer), "param": param}


def subscribe_outcome(body):
    """``(True, message)`` when the subscription answer accepts it, else ``(False, why)``."""
    try:
        answer = json.loads(body)
    except (ValueError, RecursionError):
        return False, "the subscription answer is not JSON"
    if not isinstance(answer, dict):
        return False, "the subscription answer is not a JSON object"
    code = str(answer.get("returnCode", ""))
    message = str(answer.get("message", ""))[:200]
    if code in SUBSCRIBED_CODES:
        return True, message
    return False, f"returnCode {code[:8]}: {message}"


def parse(body):
    """The :class:`Document` of a push's ``param`` or of a query answer."""
    try:
        data = json.loads(body)
    except RecursionError:
        raise PayloadError("malformed JSON: nested too deeply") from None
    except (UnicodeDecodeError, ValueError) as error:
        raise PayloadError(f"malformed JSON: {error}") from None
    if not isinstance(data, dict):
        raise PayloadError("expected a kuaidi100 JSON object")
    if "lastResult" in data:
        results = [("lastResult", data["lastResult"])]
        if data.get("destResult"):
            results.append(("destResult", data["destResult"]))
    elif "data" in data and "nu" in data:
        results = [("result", data)]
    elif data.get("result") is False or "returnCode" in data:
        message = str(data.get("message", ""))[:200]
        raise PayloadError(f"kuaidi100 answered returnCode {data.get('returnCode')}: {message}")
    else:
        raise PayloadError('expected a push ("lastResult") or a query answer ("nu", "data")')
    document = Document()
    for where, result in results:
        _result(document, result, where)
    _notices(document, data, results[0][1])
    return document


def _notices(document, push, result):
    """A push saying kuaidi100 stopped tracking, or corrected the company code."""
    ref = result.get("nu") if isinstance(result, dict) else None
    if not isinstance(ref, str) or not ref.strip():
        return
    said = push.get("message")
    said = said[:200] if isinstance(said, str) else ""
    if push.get("status") == "abort":
        document.notices.append(
            {"ref": ref.strip(), "message": f"kuaidi100 stopped tracking: {said}"}
        )
    corrected = push.get("comNew")
    if isinstance(corrected, str) and corrected.strip() and push.get("comOld") != corrected:
        document.notices.append(
            {
                "ref": ref.strip(),
                "message": f"kuaidi100 corrected the company code to {corrected[:40]}",
            }
        )


def _result(document, result, where):
    if not isinstance(result, dict):
        raise PayloadError(f"{where}: must be an object")
    number = result.get("nu")
    if not isinstance(number, str) or not number.strip():
        raise PayloadError(f"{where}.nu: the tracking number is required")
    ref = clean_text(number, f"{where}.nu", MAX_REF, cut=False)
    lines = result.get("data")
    lines = [] if lines is None else lines
    if not isinstance(lines, list):
        raise PayloadError(f"{where}.data: must be a list")
    for index, line in enumerate(lines):
        here = f"{where}.data[{index}]"
        document.collect(here, lambda line=line, here=here: _line(line, here, ref))


def _line(line, where, ref):
    if not isinstance(line, dict):
        raise EventError(f"{where}: must be an object")
    moment = _beijing_time(line.get("ftime") or line.get("time"), f"{where}.time")
    return TrackingEvent(
        refs=(ref,),
        event_time=moment,
        raw_code=_code(line, where),
        description=_text(line.get("context"), f"{where}.context", MAX_DESCRIPTION),
        location=_text(
            line.get("areaName") or line.get("location"), f"{where}.areaName", MAX_LOCATION
        ),
        tz_offset="+08:00",
    )


def _code(line, where):
    code = line.get("statusCode")
    if isinstance(code, int) and not isinstance(code, bool):
        code = str(code)
    if isinstance(code, str) and code.strip():
        return clean_text(code, f"{where}.statusCode", MAX_CODE, cut=False)
    name = line.get("status")
    if isinstance(name, str) and name.strip():
        return STATE_NAMES.get(name.strip()) or clean_text(name, f"{where}.status", MAX_CODE)
    return NO_STATE


def _text(value, where, limit):
    if value is None:
        return ""
    if not isinstance(value, str):
        raise EventError(f"{where}: must be a string")
    return clean_text(value, where, limit)


def _beijing_time(value, where):
    if not isinstance(value, str) or not value.strip():
        raise EventError(f"{where}: missing time")
    text = value.strip()
    for layout in TIME_FORMATS:
        try:
            moment = datetime.strptime(text, layout)
        except ValueError:
            continue
        if not 1970 <= moment.year < 2200:
            raise EventError(f"{where}: {text[:32]!r} is outside 1970-2199")
        return moment.replace(tzinfo=BEIJING)
    raise EventError(f"{where}: {text[:32]!r} is not a time like 2026-05-06 10:00:00")
