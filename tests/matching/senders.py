"""SMS senders for tests."""


class FailOnceSender:
    calls: list[str] = []
    failures_left = 1

    def send(self, *, phone: str, body: str) -> None:
        FailOnceSender.calls.append(phone)
        if FailOnceSender.failures_left > 0:
            FailOnceSender.failures_left -= 1
            raise ConnectionError("网关超时")


class AlwaysFailSender:
    def send(self, *, phone: str, body: str) -> None:
        raise ConnectionError("网关不可用")
