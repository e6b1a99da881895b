from besace.core.models import new_public_id


def test_it_makes_ids_a_command_line_never_takes_for_an_option():
    ids = {new_public_id() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(len(public_id) == 22 and public_id.isascii() and public_id.isalnum() for public_id in ids)
