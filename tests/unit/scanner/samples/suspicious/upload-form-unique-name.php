<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A document drop: its own upload form, each file stored under a unique prefix the script
// makes (the client's extension is kept: careless, not hostile).
$note = '';
if (!empty($_FILES['doc'])) {
    $target = 'files/' . uniqid('d', true) . '-' . basename($_FILES['doc']['name']);
    if (move_uploaded_file($_FILES['doc']['tmp_name'], $target)) {
        $note = 'Stored ' . basename($_FILES['doc']['name']);
    }
}
?>
<form method="post" enctype="multipart/form-data"><input type="file" name="doc"></form>
<?php echo $note; ?>
