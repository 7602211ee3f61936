"""fixtures/redaction.py: secrets learned, tokens that keep their type and length, keys and passwords in any encoding."""


from fixtures.redaction import Redactor, secret_token

SECRET = "AFMH3WB4HXB6HFUXLUAQH5VEISLAYTALX"


def test_learned_secrets_keep_type_and_length_but_not_value():
    redactor = Redactor()
    redactor.learn_secrets([{"dir": "/x", "secret": SECRET}])
    assert redactor.text(f"secret={SECRET}&x") == f"secret={secret_token(SECRET)}&x"
    assert secret_token(SECRET).startswith("<A-secret/33:")


def test_secrets_of_other_shapes_a_build_hands_out_are_learned_too():
    """Seen in differential runs: a base64 read-only secret for a 47-character X secret (1.3.106), and a
    body in lower case echoed back (both builds)."""
    base64_secret, lower_case = "Uk9OTFnktu6UoXRrk47gcELvRViVhAMopmsA4gaBHtPxlVanePVb9Q==", "Azhpl7xkm7bf3bwjxaqyl6ldousgymuau"
    redactor = Redactor()
    redactor.learn_secrets({"read_only": base64_secret, "read_write": lower_case})
    shown = redactor.text(f"{base64_secret} and {lower_case}")
    assert base64_secret not in shown and lower_case not in shown and shown.startswith("<U-secret/56:")


def test_made_up_invalid_secrets_stay_visible_as_reproducers():
    redactor = Redactor()
    redactor.learn_secrets({"error": 3, "message": "Invalid secret."})
    assert redactor.text("secret=DJj98eY2XqsVf83R") == "secret=DJj98eY2XqsVf83R"


def test_api_key_and_password_in_any_encoding():
    redactor = Redactor()
    redactor.add("p@ss word", "<password>")
    assert redactor.value({"a": ["p@ss word", "p%40ss%20word", "p%40ss+word"]}) == {"a": ["<password>"] * 3}


def test_a_made_up_secret_that_sync_echoes_back_stays_visible():
    redactor = Redactor()
    made_up = "Q" + "2" * 32  # the shape of a secret, but one Sync merely echoed back
    redactor.learn_secrets({"read_only": "B" + "C" * 32, "read_write": made_up}, supplied=made_up)
    assert redactor.text(made_up) == made_up
    assert redactor.text("B" + "C" * 32).startswith("<B-secret/33:")
