<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// The subject and the sender taken from the request: header injection into the site's
// mail, the visitor writes what the owner's mailbox shows.
mail('owner@example.com', $_POST['subject'], 'see subject', 'From: ' . $_POST['from']);
