from pathlib import Path

from deploy.local.supervise import MAX_RESTARTS, WINDOW_S, Supervisor


class Process:
    def __init__(self, name):
        self.name, self.alive, self.starts = name, True, 0
        self.log_path = Path(f"/logs/{name}.log")
        self.exit_code = None

    def running(self):
        return self.alive

    def crash(self):
        self.alive, self.exit_code = False, -9

    def start(self):
        self.alive, self.exit_code, self.starts = True, None, self.starts + 1

    def last_error(self):
        return "IndexConflict: boom"


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_a_killed_service_is_started_again_and_the_others_are_left_alone():
    dispatch, intake, lines = Process("dispatch"), Process("intake"), []
    supervisor = Supervisor([dispatch, intake], lines.append, Clock())
    dispatch.crash()
    supervisor.check()
    supervisor.check()
    assert (dispatch.starts, intake.starts) == (1, 0)
    assert lines == ["dispatch exited (exit code -9); restarting it (log: /logs/dispatch.log)"]


def test_a_service_that_keeps_dying_is_given_up_with_its_last_error():
    dispatch, lines, clock = Process("dispatch"), [], Clock()
    supervisor = Supervisor([dispatch], lines.append, clock)
    for _ in range(MAX_RESTARTS + 3):
        dispatch.crash()
        supervisor.check()
        clock.now += 1
    assert dispatch.starts == MAX_RESTARTS
    assert supervisor.given_up == {"dispatch"}
    assert lines[-1].startswith(f"dispatch exited {MAX_RESTARTS} times")
    assert "IndexConflict: boom" in lines[-1]


def test_restarts_long_ago_do_not_count_against_a_service():
    dispatch, clock = Process("dispatch"), Clock()
    supervisor = Supervisor([dispatch], lambda line: None, clock)
    for _ in range(MAX_RESTARTS * 3):
        dispatch.crash()
        supervisor.check()
        clock.now += WINDOW_S / MAX_RESTARTS + 1
    assert dispatch.starts == MAX_RESTARTS * 3
    assert supervisor.given_up == set()
