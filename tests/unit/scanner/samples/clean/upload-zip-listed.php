<?php
// a game server panel's mod upload: only .zip archives, kept under the name they came with
$allowedExts = array("zip");
$extension = strtolower(end(explode(".", $_FILES["file"]["name"])));
if ($_FILES["file"]["type"] == "application/zip" && in_array($extension, $allowedExts)) {
    if ($_FILES["file"]["error"] > 0) {
        echo "Return Code: " . $_FILES["file"]["error"];
    } elseif (file_exists("mods/" . $_FILES["file"]["name"])) {
        echo htmlspecialchars($_FILES["file"]["name"]) . " already exists.";
    } else {
        move_uploaded_file($_FILES["file"]["tmp_name"], "mods/" . $_FILES["file"]["name"]);
        echo "Stored in: mods/" . htmlspecialchars($_FILES["file"]["name"]);
    }
} else {
    echo "Invalid file";
}
