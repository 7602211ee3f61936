"""Every check must be able to fail. Against the double with every behaviour switched on, each check
confirms (test_confirm.py); with only its own behaviour switched off (the rest on, so nothing else can be
the cause), each check of that behaviour (not just one of them) contradicts, with a reason of its own
(test_contradict.py); each profile of the double reproduces what its real build showed (test_profiles.py).
They run the real conformance command, as a user would, in three modules so that their runs share out
over the test workers."""
