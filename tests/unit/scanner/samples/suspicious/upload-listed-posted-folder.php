<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// The same upload page, the folder the archive goes to taken from the form.
$allowedExts = array("zip");
$extension = strtolower(end(explode(".", $_FILES["file"]["name"])));
if ($_FILES["file"]["type"] == "application/zip" && in_array($extension, $allowedExts)) {
    if ($_FILES["file"]["error"] > 0) {
        echo "Return Code: " . $_FILES["file"]["error"];
    } elseif (file_exists("mods/" . $_FILES["file"]["name"])) {
        echo htmlspecialchars($_FILES["file"]["name"]) . " already exists.";
    } else {
        move_uploaded_file($_FILES["file"]["tmp_name"], $_POST["folder"] . "/" . $_FILES["file"]["name"]);
        echo "Stored in: mods/" . htmlspecialchars($_FILES["file"]["name"]);
    }
} else {
    echo "Invalid file";
}
