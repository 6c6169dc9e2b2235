from thidua_common.logging import current_correlation_id, new_correlation_id


def correlation_id_or_new() -> str:
    return current_correlation_id() or new_correlation_id()
